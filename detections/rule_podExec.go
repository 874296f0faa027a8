package detections

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// pod-exec-attach-portforward: a command run in, a terminal attached to, or a port forwarded from a
// running container through the API server (kubectl exec, attach, port-forward). kubectl 1.30 and later
// open exec and attach with a WebSocket GET, so both get and create are read. An attacker with these
// rights runs code inside the workload, with its service account token and its network.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "pod-exec-attach-portforward", Title: "A command run in, attached to or a port forwarded from a container",
			Detects: "a get or create of pods/exec, pods/attach or pods/portforward by anyone",
			Why:     "it runs code inside a workload, with its credentials and its network position",
			MITRE:   "T1609 Container Administration Command", ThreatMatrix: "Exec into container",
			Guide: "Audit logging and threat detection", Severity: SeverityHigh,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: append(requests("create", "", true, "pods/exec", "pods/attach", "pods/portforward"),
				requests("get", "", true, "pods/exec", "pods/attach", "pods/portforward")...)},
			Fields: Fields{Match: []Selection{{"objectRef.resource": {"pods"}, "objectRef.subresource": {"exec", "attach", "portforward"}, "verb": {"create", "get"}}}},
			Match: func(ev *auditv1.Event) (string, bool) {
				switch resource(ev) {
				case "pods/exec", "pods/attach", "pods/portforward":
					if ev.Verb == "create" || ev.Verb == "get" {
						return ev.ObjectRef.Subresource + " into " + ev.ObjectRef.Namespace + "/" + ev.ObjectRef.Name, true
					}
				}
				return "", false
			},
		}
	})
}
