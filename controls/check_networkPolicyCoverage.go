package controls

import (
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Network separation and hardening": "use network policies ...
By default, there are no restrictions applied to pods"; every pod is selected by a policy that isolates
it for ingress and for egress, so that only the traffic the policies allow reaches it or leaves it.

**Checked:** the pod template labels of every workload, against the NetworkPolicies among the inputs in
its namespace (its own, or default where it names none), whether or not a Namespace object is among them.

**Passes when:** a policy whose podSelector selects the pods has Ingress among its policyTypes, and one
has Egress (a policy without policyTypes isolates for Ingress, and for Egress when it has egress rules).

Sources: CIS 5.3.2, kubescape C-0260, Trivy KSV038.
*/

func init() { addControl(CheckNetworkPolicyCoverage) }

// CheckNetworkPolicyCoverage is the control that every workload is isolated by a NetworkPolicy.
func CheckNetworkPolicyCoverage() Control {
	return Control{
		ID: "network-policy-coverage", Level: LevelAdvisory, Title: "Every workload is selected by NetworkPolicies that isolate it for ingress and egress",
		Guide: "Network separation and hardening", CIS: "5.3.2", Kubescape: "C-0260", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", CheckWorkload: networkPolicyCoverage_1_31}},
	}
}

// networkPolicy is a NetworkPolicy's pod selector and the directions it isolates.
type networkPolicy struct {
	key             string
	selector        labels.Selector
	ingress, egress bool
}

// policiesIn are the NetworkPolicies among the inputs in namespace ns.
func (inv *Inventory) policiesIn(ns string) []networkPolicy {
	return inv.networkPolicies.get(func() map[string][]networkPolicy {
		out := map[string][]networkPolicy{}
		for o := range inv.ByKind("NetworkPolicy") {
			np, ok := o.Typed().(*networkingv1.NetworkPolicy)
			if !ok {
				continue
			}
			sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
			if err != nil {
				continue // the API server refuses it: it selects nothing
			}
			p := networkPolicy{key: o.Key(), selector: sel}
			if len(np.Spec.PolicyTypes) == 0 {
				p.ingress, p.egress = true, len(np.Spec.Egress) > 0
			}
			for _, t := range np.Spec.PolicyTypes {
				p.ingress = p.ingress || t == networkingv1.PolicyTypeIngress
				p.egress = p.egress || t == networkingv1.PolicyTypeEgress
			}
			out[namespaceOf(o)] = append(out[namespaceOf(o)], p)
		}
		return out
	})[ns]
}

func networkPolicyCoverage_1_31(inv *Inventory, w Workload) Result {
	ns := namespaceOf(w.Object)
	podLabels := labels.Set(w.Pod.Labels)
	var ingress, egress []string
	for _, p := range inv.policiesIn(ns) {
		if !p.selector.Matches(podLabels) {
			continue
		}
		if p.ingress {
			ingress = append(ingress, p.key)
		}
		if p.egress {
			egress = append(egress, p.key)
		}
	}
	var missing []string
	if len(ingress) == 0 {
		missing = append(missing, "ingress")
	}
	if len(egress) == 0 {
		missing = append(missing, "egress")
	}
	if len(missing) == 0 {
		return Result{Evidence: []Evidence{w.evidence("isolated for ingress by " + strings.Join(ingress, ", ") + " and for egress by " + strings.Join(egress, ", "))}}
	}
	field := "metadata.labels"
	if w.GVK.Kind != "Pod" {
		field = strings.TrimSuffix(w.SpecPath, ".spec") + ".metadata.labels"
	}
	return Result{Findings: []Finding{w.finding(field,
		"no NetworkPolicy in namespace "+ns+" selects its pods for "+strings.Join(missing, " or "),
		"add a NetworkPolicy in namespace "+ns+" with podSelector: {} and policyTypes: [Ingress, Egress] (a default deny), then allow the traffic the pods need")}}
}
