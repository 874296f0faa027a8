package controls

import "strings"

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security" (protecting pod service account
tokens): "disable automatically mounting the service account token ... for pods that do not need to
access the Kubernetes API"; a stolen token is an identity in the cluster.

**Checked:** automountServiceAccountToken of every workload's pod template and of its ServiceAccount
(when among the inputs); the RoleBindings and ClusterRoleBindings among the inputs.

**Passes when:** the token is not mounted (the pod, or its ServiceAccount, sets
automountServiceAccountToken: false, and the pod does not set it back to true), or the workload needs
the API: a binding among the inputs grants its ServiceAccount a role.

Sources: CIS 5.1.6, kubescape C-0034, Trivy KSV036.
*/

func init() { addControl(CheckServiceAccountTokenAutomount) }

// CheckServiceAccountTokenAutomount is the control that a pod mounts a ServiceAccount token only where
// it uses the API.
func CheckServiceAccountTokenAutomount() Control {
	return Control{
		ID: "service-account-token-automount", Level: LevelMandatory, Title: "Pods mount a ServiceAccount token only where they use the Kubernetes API",
		Guide: "Kubernetes Pod security", CIS: "5.1.6", Kubescape: "C-0034", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", CheckWorkload: serviceAccountTokenAutomount_1_31}},
	}
}

func serviceAccountTokenAutomount_1_31(inv *Inventory, w Workload) Result {
	idx := inv.serviceAccountsIndex()
	sa := namespaceOf(w.Object) + "/" + serviceAccountOf(w)
	mounted := true
	switch pod, account := w.Spec.AutomountServiceAccountToken, idx.automount[sa]; {
	case pod != nil:
		mounted = *pod
	case account != nil:
		mounted = *account
	}
	if !mounted {
		return Result{Evidence: []Evidence{w.evidence("mounts no ServiceAccount token")}}
	}
	if bindings := idx.bindings[sa]; len(bindings) > 0 {
		return Result{Evidence: []Evidence{w.evidence("mounts the token of ServiceAccount " + sa + ", which uses the API: bound by " + strings.Join(bindings, ", "))}}
	}
	return Result{Findings: []Finding{w.finding(w.Field("automountServiceAccountToken"),
		"mounts the token of ServiceAccount "+sa+", which no binding among the inputs grants any role",
		"set automountServiceAccountToken: false on the pod template (or the ServiceAccount); if it does use the API, bind its ServiceAccount to the role it needs")}}
}
