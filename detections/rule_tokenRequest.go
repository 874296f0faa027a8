package detections

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// token-request-for-another: a token minted for a ServiceAccount (TokenRequest) by anyone but the
// control plane and the ServiceAccount itself: a credential of another identity, made to order.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "token-request-for-another", Title: "A ServiceAccount token requested by someone else",
			Detects: "an allowed create of serviceaccounts/token by a principal that is neither the control plane nor that ServiceAccount",
			Why:     "it mints a credential of another identity, usable from anywhere until it expires",
			MITRE:   "T1528 Steal Application Access Token", ThreatMatrix: "Access container service account",
			Guide: "Authentication and authorization", Severity: SeverityMedium,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: requests("create", "", true, "serviceaccounts/token")},
			Fields: Fields{
				Match:       []Selection{{"objectRef.resource": {"serviceaccounts"}, "objectRef.subresource": {"token"}, "verb": {"create"}}},
				Except:      []Selection{refusedByAPI, byControlPlane},
				Approximate: "a ServiceAccount asking for its own token matches too: fields cannot compare the user with the object",
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				if resource(ev) != "serviceaccounts/token" || ev.Verb != "create" || !allowed(ev) || controlPlane(ev.User.Username) {
					return "", false
				}
				target := "system:serviceaccount:" + ev.ObjectRef.Namespace + ":" + ev.ObjectRef.Name
				if ev.User.Username == target {
					return "", false
				}
				return "a token of " + target, true
			},
		}
	})
}
