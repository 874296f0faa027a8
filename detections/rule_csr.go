package detections

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// csr-by-person: a certificate signing request created or approved by someone who is not the control
// plane: a client certificate cannot be revoked, and may name any user or group the signer allows.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "csr-by-person", Title: "A certificate signing request created or approved by a person",
			Detects: "an allowed create of certificatesigningrequests, or an update of their approval, by a principal that is not the control plane",
			Why:     "a client certificate is a credential that cannot be revoked",
			MITRE:   "T1649 Steal or Forge Authentication Certificates", ThreatMatrix: "Valid account",
			Guide: "Authentication and authorization", Severity: SeverityMedium,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: append(requests("create", "certificates.k8s.io", false, "certificatesigningrequests"),
				requests("update", "certificates.k8s.io", false, "certificatesigningrequests/approval")...)},
			Fields: Fields{
				Match: []Selection{
					{"objectRef.resource": {"certificatesigningrequests"}, "objectRef.subresource": {""}, "verb": {"create"}},
					{"objectRef.resource": {"certificatesigningrequests"}, "objectRef.subresource": {"approval"}, "verb": {"update", "patch"}},
				},
				Except: []Selection{refusedByAPI, byControlPlane},
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				if !allowed(ev) || controlPlane(ev.User.Username) {
					return "", false
				}
				switch r := resource(ev); {
				case r == "certificatesigningrequests" && ev.Verb == "create":
					return "CSR created", true
				case r == "certificatesigningrequests/approval" && (ev.Verb == "update" || ev.Verb == "patch"):
					return "CSR approval changed", true
				}
				return "", false
			},
		}
	})
}
