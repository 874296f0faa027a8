package detections

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// events-deleted: Events deleted by someone other than the control plane, to hide what happened.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "events-deleted", Title: "Kubernetes Events deleted",
			Detects: "an allowed delete or deletecollection of events by a principal that is not the control plane",
			Why:     "deleting Events hides the traces of what was done",
			MITRE:   "T1070 Indicator Removal", ThreatMatrix: "Delete K8S events",
			Guide: "Audit logging and threat detection", Severity: SeverityMedium,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: append(requests("delete", "", true, "events"), requests("delete", "events.k8s.io", true, "events")...)},
			Fields: Fields{
				Match:  []Selection{{"objectRef.resource": {"events"}, "objectRef.subresource": {""}, "verb": {"delete", "deletecollection"}}},
				Except: []Selection{refusedByAPI, byControlPlane},
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				if resource(ev) != "events" || (ev.Verb != "delete" && ev.Verb != "deletecollection") || !allowed(ev) || controlPlane(ev.User.Username) {
					return "", false
				}
				return ev.Verb + " of " + object(ev), true
			},
		}
	})
}
