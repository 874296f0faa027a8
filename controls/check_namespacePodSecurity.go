package controls

import (
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/kubeharden/kubeharden/contract"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security": Pod Security Admission enforces the
restricted standard in every namespace, pinned to a version.

**Checked:** labels pod-security.kubernetes.io/enforce and enforce-version of each user namespace.

**Passes when:** enforce is restricted and enforce-version is a pinned version (not latest); or enforce
is weaker and the namespace carries the kubeharden.io/pod-security-exemption-reason annotation.

Sources: CIS 5.2.1, kubescape C-0013/C-0057 (through the standard they enforce).
*/

func init() { addControl(CheckNamespacePodSecurity) }

// CheckNamespacePodSecurity is the namespace Pod Security labels control.
func CheckNamespacePodSecurity() Control {
	return Control{
		ID: "namespace-pod-security", Level: LevelMandatory, Title: "Every namespace enforces the restricted Pod Security Standard, pinned to a version",
		Guide: "Kubernetes Pod security", CIS: "5.2.1", Kubescape: "C-0013, C-0057", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: namespacePodSecurity_1_31}},
	}
}

func namespacePodSecurity_1_31(inv *Inventory) Result {
	var out Result
	for ns := range inv.userNamespaces() {
		labels := ns.Meta().GetLabels()
		enforce, version := labels[psaapi.EnforceLevelLabel], labels[psaapi.EnforceVersionLabel]
		reason := ns.Meta().GetAnnotations()[contract.PodSecurityExemptionReasonAnnotation]
		switch {
		case enforce == "":
			out.Findings = append(out.Findings, Finding{Object: ns.Key(), Path: ns.Path, Field: "metadata.labels[" + psaapi.EnforceLevelLabel + "]",
				Message: "the namespace enforces no Pod Security level (the cluster default applies)",
				Remedy:  "label it pod-security.kubernetes.io/enforce=restricted"})
		case enforce != string(psaapi.LevelRestricted) && reason == "":
			out.Findings = append(out.Findings, Finding{Object: ns.Key(), Path: ns.Path, Field: "metadata.labels[" + psaapi.EnforceLevelLabel + "]",
				Message: "enforces " + enforce + ", weaker than restricted, with no recorded reason",
				Remedy:  "enforce restricted, or record the reason in the " + contract.PodSecurityExemptionReasonAnnotation + " annotation"})
		case version == "" || version == "latest":
			out.Findings = append(out.Findings, Finding{Object: ns.Key(), Path: ns.Path, Field: "metadata.labels[" + psaapi.EnforceVersionLabel + "]",
				Message: "the enforced standard is not pinned to a version, so an upgrade can change it silently",
				Remedy:  "label it pod-security.kubernetes.io/enforce-version=v1.<minor>"})
		default:
			detail := "enforces " + enforce + " " + version
			if reason != "" {
				detail += " (reason recorded: " + reason + ")"
			}
			out.Evidence = append(out.Evidence, Evidence{Object: ns.Key(), Path: ns.Path, Detail: detail})
		}
	}
	return out
}
