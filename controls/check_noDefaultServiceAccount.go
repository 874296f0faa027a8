package controls

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security" (protecting pod service account
tokens) and "Authentication and authorization": every namespace's default ServiceAccount is shared by
every pod that names none, so a role granted to one of them is granted to all; each workload runs as a
ServiceAccount of its own.

**Checked:** serviceAccountName of every workload's pod template.

**Passes when:** it names a ServiceAccount other than default.

Sources: CIS 5.1.5, kubescape C-0189, Trivy KSV036 (with automountServiceAccountToken).
*/

func init() { addControl(CheckNoDefaultServiceAccount) }

// CheckNoDefaultServiceAccount is the control that no workload runs as its namespace's default
// ServiceAccount.
func CheckNoDefaultServiceAccount() Control {
	return Control{
		ID: "no-default-service-account", Level: LevelMandatory, Title: "No workload runs as its namespace's default ServiceAccount",
		Guide: "Authentication and authorization", CIS: "5.1.5", Kubescape: "C-0189", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", CheckWorkload: noDefaultServiceAccount_1_31}},
	}
}

func noDefaultServiceAccount_1_31(_ *Inventory, w Workload) Result {
	sa := serviceAccountOf(w)
	if sa != "default" {
		return Result{Evidence: []Evidence{w.evidence("runs as ServiceAccount " + sa)}}
	}
	what := "names no ServiceAccount, so it runs as default"
	if w.Spec.ServiceAccountName == "default" {
		what = "runs as the default ServiceAccount"
	}
	return Result{Findings: []Finding{w.finding(w.Field("serviceAccountName"),
		what+", which every pod of namespace "+namespaceOf(w.Object)+" without one shares",
		"create a ServiceAccount for the workload and set serviceAccountName to it")}}
}
