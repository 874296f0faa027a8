package detections

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// ephemeral-container-added: a container added to a running pod (kubectl debug), which may bring any
// image and runs beside the workload's containers, in its namespaces.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "ephemeral-container-added", Title: "An ephemeral container added to a running pod",
			Detects: "an update or patch of pods/ephemeralcontainers",
			Why:     "kubectl debug runs an image of the requester's choice inside a running workload",
			MITRE:   "T1609 Container Administration Command", ThreatMatrix: "New container",
			Guide: "Audit logging and threat detection", Severity: SeverityHigh,
			Needs:  Needs{Level: auditv1.LevelMetadata, Requests: requests("patch", "", true, "pods/ephemeralcontainers")},
			Fields: Fields{Match: []Selection{{"objectRef.resource": {"pods"}, "objectRef.subresource": {"ephemeralcontainers"}, "verb": {"update", "patch"}}}},
			Match: func(ev *auditv1.Event) (string, bool) {
				if resource(ev) == "pods/ephemeralcontainers" && (ev.Verb == "update" || ev.Verb == "patch") {
					return "ephemeral container in " + ev.ObjectRef.Namespace + "/" + ev.ObjectRef.Name, true
				}
				return "", false
			},
		}
	})
}
