package detections

import (
	"strings"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/kubeharden/kubeharden/contract"
)

// admission-changed: the admission machinery written by someone other than kubeharden's own stack
// (its server-side apply field manager, contract.FieldManagerPrefix) and the control plane: a policy,
// binding or webhook changed or removed is a guardrail gone.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "admission-changed", Title: "Admission policies, bindings or webhooks changed",
			Detects: "an allowed write of validating or mutating admission policies, their bindings, or webhook configurations, not by a kubeharden stack nor the control plane",
			Why:     "it removes or bends the guardrails that refuse what the cluster forbids, or adds a webhook that sees every request",
			MITRE:   "T1562.001 Impair Defenses: Disable or Modify Tools", ThreatMatrix: "Malicious admission controller",
			Guide: "Audit logging and threat detection", Severity: SeverityHigh,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: requests("create", "admissionregistration.k8s.io", false, "validatingadmissionpolicies",
				"validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings", "validatingwebhookconfigurations",
				"mutatingwebhookconfigurations")},
			Fields: Fields{
				Match:  []Selection{{"objectRef.apiGroup": {"admissionregistration.k8s.io"}, "verb": writeVerbs}},
				Except: []Selection{refusedByAPI, byControlPlane, {FieldManagerKey: {contract.FieldManagerPrefix + "/*"}}},
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				if ev.ObjectRef == nil || ev.ObjectRef.APIGroup != "admissionregistration.k8s.io" || !isWrite(ev.Verb) || !allowed(ev) || controlPlane(ev.User.Username) {
					return "", false
				}
				if strings.HasPrefix(fieldManager(ev), contract.FieldManagerPrefix+"/") {
					return "", false // the stack's own apply
				}
				return ev.Verb + " of " + object(ev), true
			},
		}
	})
}
