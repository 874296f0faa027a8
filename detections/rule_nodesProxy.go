package detections

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// nodes-proxy: a request through the API server to a kubelet's API (nodes/proxy), which runs commands in
// any container of the node and is not covered by the pods/exec rights an operator audits.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "nodes-proxy", Title: "A request to a kubelet through nodes/proxy",
			Detects: "any request to nodes/proxy by a principal that is not the control plane",
			Why:     "the kubelet API runs commands in every container of its node, past pods/exec's RBAC",
			MITRE:   "T1609 Container Administration Command", ThreatMatrix: "Access Kubelet API",
			Guide: "Network separation and hardening", Severity: SeverityHigh,
			Needs:  Needs{Level: auditv1.LevelMetadata, Requests: requests("get", "", false, "nodes/proxy")},
			Fields: Fields{Match: []Selection{{"objectRef.resource": {"nodes"}, "objectRef.subresource": {"proxy"}}}, Except: []Selection{byControlPlane}},
			Match: func(ev *auditv1.Event) (string, bool) {
				if resource(ev) != "nodes/proxy" || controlPlane(ev.User.Username) {
					return "", false
				}
				return ev.Verb + " " + ev.RequestURI, true
			},
		}
	})
}
