package controls

import (
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Network separation and hardening": a default NetworkPolicy
in every namespace selects all pods and denies all ingress and egress; exceptions are added narrowly.

**Checked:** every NetworkPolicy of each user namespace.

**Passes when:** one has podSelector {}, policyTypes [Ingress, Egress], and no ingress or egress rules.

Sources: CIS 5.3.2, kubescape C-0030/C-0054, Trivy KSV038.
*/

func init() { addControl(CheckNetworkDefaultDeny) }

// CheckNetworkDefaultDeny is the default-deny NetworkPolicy control.
func CheckNetworkDefaultDeny() Control {
	return Control{
		ID: "network-default-deny", Level: LevelMandatory, Title: "Every namespace has a NetworkPolicy that denies all ingress and egress by default",
		Guide: "Network separation and hardening", CIS: "5.3.2", Kubescape: "C-0030, C-0054", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: networkDefaultDeny_1_31}},
	}
}

func networkDefaultDeny_1_31(inv *Inventory) Result {
	denies := map[string]manifests.Object{}
	for o := range inv.ByKind("NetworkPolicy") {
		np := o.Typed().(*networkingv1.NetworkPolicy)
		types := map[networkingv1.PolicyType]bool{}
		for _, t := range np.Spec.PolicyTypes {
			types[t] = true
		}
		if len(np.Spec.PodSelector.MatchLabels) == 0 && len(np.Spec.PodSelector.MatchExpressions) == 0 &&
			types[networkingv1.PolicyTypeIngress] && types[networkingv1.PolicyTypeEgress] &&
			len(np.Spec.Ingress) == 0 && len(np.Spec.Egress) == 0 {
			denies[o.Namespace] = o
		}
	}
	var out Result
	for ns := range inv.userNamespaces() {
		if np, ok := denies[ns.Name]; ok {
			out.Evidence = append(out.Evidence, Evidence{Object: np.Key(), Path: np.Path, Detail: "selects every pod and denies all ingress and egress"})
			continue
		}
		out.Findings = append(out.Findings, Finding{Object: ns.Key(), Path: ns.Path,
			Message: "no NetworkPolicy in the namespace denies all ingress and egress",
			Remedy:  "add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules (kubeharden's tenant namespace does)"})
	}
	return out
}
