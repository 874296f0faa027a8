package detections

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// anonymous-request: a request the API server took as system:anonymous. kubeharden refuses anonymous
// requests (--anonymous-auth=false); one that is audited as anonymous means that was undone, or someone
// is probing an endpoint that allows it.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "anonymous-request", Title: "A request by system:anonymous",
			Detects: "an event whose user is system:anonymous (kubeharden's audit policy drops the health endpoints' requests)",
			Why:     "anonymous access is off in a hardened cluster: this is probing, or a weakened API server",
			MITRE:   "T1133 External Remote Services", ThreatMatrix: "Exposed sensitive interfaces",
			Guide: "Authentication and authorization", Severity: SeverityMedium,
			Needs:  Needs{Level: auditv1.LevelMetadata, Requests: anyRequest},
			Fields: Fields{Match: []Selection{{"user.username": {"system:anonymous"}}}},
			Match: func(ev *auditv1.Event) (string, bool) {
				if ev.User.Username != "system:anonymous" {
					return "", false
				}
				return ev.Verb + " " + ev.RequestURI, true
			},
		}
	})
}
