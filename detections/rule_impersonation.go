package detections

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// impersonation-used: a request made as someone else (Impersonate-User or -Group headers), which the API
// server authorizes as the impersonated user.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "impersonation-used", Title: "A request made by impersonating another user",
			Detects: "an event with an impersonated user",
			Why:     "it acts with another principal's rights, and the trail names that principal",
			MITRE:   "T1078 Valid Accounts", ThreatMatrix: "Valid account",
			Guide: "Authentication and authorization", Severity: SeverityMedium,
			Needs:  Needs{Level: auditv1.LevelMetadata, Requests: anyRequest},
			Fields: Fields{Match: []Selection{{"impersonatedUser.username": {"*"}}}, Except: []Selection{byControlPlane}},
			Match: func(ev *auditv1.Event) (string, bool) {
				if ev.ImpersonatedUser == nil || controlPlane(ev.User.Username) {
					return "", false
				}
				return ev.User.Username + " acting as " + ev.ImpersonatedUser.Username, true
			},
		}
	})
}
