package controls

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Network separation and hardening" (resource policies): every
namespace has a ResourceQuota and a LimitRange, so that no workload can exhaust the node.

**Checked:** ResourceQuota and LimitRange objects of each user namespace.

**Passes when:** the namespace has at least one of each.

Sources: Trivy KSV039 (LimitRange), KSV040 (ResourceQuota); kubescape C-0270/C-0271 (limits).
*/

func init() { addControl(CheckNamespaceQuotaAndLimits) }

// CheckNamespaceQuotaAndLimits is the quota and limits control.
func CheckNamespaceQuotaAndLimits() Control {
	return Control{
		ID: "namespace-quota-and-limits", Level: LevelAdvisory, Title: "Every namespace has a ResourceQuota and a LimitRange",
		Guide: "Network separation and hardening", Kubescape: "C-0270, C-0271", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: namespaceQuotaAndLimits_1_31}},
	}
}

func namespaceQuotaAndLimits_1_31(inv *Inventory) Result {
	has := map[string]map[string]bool{}
	for _, kind := range []string{"ResourceQuota", "LimitRange"} {
		for o := range inv.ByKind(kind) {
			if has[o.Namespace] == nil {
				has[o.Namespace] = map[string]bool{}
			}
			has[o.Namespace][kind] = true
		}
	}
	var out Result
	for ns := range inv.userNamespaces() {
		if has[ns.Name]["ResourceQuota"] && has[ns.Name]["LimitRange"] {
			out.Evidence = append(out.Evidence, Evidence{Object: ns.Key(), Path: ns.Path, Detail: "has a ResourceQuota and a LimitRange"})
		}
		for _, kind := range []string{"ResourceQuota", "LimitRange"} {
			if !has[ns.Name][kind] {
				out.Findings = append(out.Findings, Finding{Object: ns.Key(), Path: ns.Path,
					Message: "the namespace has no " + kind, Remedy: "add a " + kind + " (kubeharden's tenant namespace has one from the profile)"})
			}
		}
	}
	return out
}
