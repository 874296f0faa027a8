package detections

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// secrets-read-cluster-wide: Secrets listed or watched in every namespace at once by a principal that is
// not the control plane: every credential of the cluster in one request.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "secrets-read-cluster-wide", Title: "Secrets listed across the whole cluster",
			Detects: "an allowed list or watch of secrets with no namespace, by a principal that is not the control plane",
			Why:     "it reads every credential in the cluster at once",
			MITRE:   "T1552.007 Unsecured Credentials: Container API", ThreatMatrix: "List K8S secrets",
			Guide: "Authentication and authorization", Severity: SeverityHigh,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: requests("list", "", false, "secrets")},
			Fields: Fields{
				Match:  []Selection{{"objectRef.resource": {"secrets"}, "objectRef.subresource": {""}, "objectRef.namespace": {""}, "verb": {"list", "watch"}}},
				Except: []Selection{refusedByAPI, byControlPlane},
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				if resource(ev) != "secrets" || ev.ObjectRef.Namespace != "" || (ev.Verb != "list" && ev.Verb != "watch") || !allowed(ev) || controlPlane(ev.User.Username) {
					return "", false
				}
				return ev.Verb + " of every namespace's Secrets", true
			},
		}
	})
}
