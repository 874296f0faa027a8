package detections

import (
	"slices"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// coreDNSConfigMaps are the ConfigMaps in kube-system that configure the cluster DNS: CoreDNS's own
// Corefile, and the custom one some distributions (AKS) read beside it.
var coreDNSConfigMaps = []string{"coredns", "coredns-custom"}

// coredns-changed: the cluster DNS's configuration written by someone other than the control plane. A
// changed Corefile sends every pod's lookups where the writer wants: to a pod they run, and from there
// their traffic.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "coredns-changed", Title: "The cluster DNS's configuration changed",
			Detects: "an allowed write of the coredns or coredns-custom ConfigMap in kube-system by a principal that is not the control plane",
			Why:     "a rewritten Corefile answers the cluster's lookups with the writer's addresses: every pod then talks to them (CoreDNS poisoning)",
			MITRE:   "T1565.002 Transmitted Data Manipulation", ThreatMatrix: "CoreDNS poisoning",
			Guide: "Network separation and hardening", Severity: SeverityHigh,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: requests("update", "", true, "configmaps")},
			Fields: Fields{
				Match: []Selection{{"objectRef.resource": {"configmaps"}, "objectRef.subresource": {""}, "objectRef.namespace": {"kube-system"},
					"objectRef.name": coreDNSConfigMaps, "verb": writeVerbs}},
				Except: []Selection{refusedByAPI, byControlPlane},
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				if resource(ev) != "configmaps" || ev.ObjectRef.Namespace != "kube-system" || !slices.Contains(coreDNSConfigMaps, ev.ObjectRef.Name) ||
					!isWrite(ev.Verb) || !allowed(ev) || controlPlane(ev.User.Username) {
					return "", false
				}
				return ev.Verb + " of the cluster DNS's configuration " + object(ev), true
			},
		}
	})
}
