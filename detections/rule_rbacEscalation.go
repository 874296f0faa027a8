package detections

import (
	"fmt"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// rbac-escalation-grant: a Role or ClusterRole written with escalate, bind or impersonate, or a wildcard
// verb, resource or API group: each lets its holder grant itself more than it has.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "rbac-escalation-grant", Title: "A role that grants escalate, bind, impersonate or a wildcard",
			Detects: "an allowed create, update or patch of a Role or ClusterRole with the verbs escalate, bind or impersonate, or * in its verbs, resources or API groups, by a principal that is not the control plane (the API server writes its own bootstrap roles)",
			Why:     "its holder can grant itself anything, or act as anyone",
			MITRE:   "T1098 Account Manipulation", ThreatMatrix: "Cluster-admin binding",
			Guide: "Authentication and authorization", Severity: SeverityHigh,
			Needs: Needs{Level: auditv1.LevelRequest, Requests: append(requests("create", "rbac.authorization.k8s.io", true, "roles"),
				requests("create", "rbac.authorization.k8s.io", false, "clusterroles")...)},
			Fields: Fields{
				Match: func() []Selection {
					var out []Selection
					for _, grant := range []Selection{
						{"requestObject.rules.verbs": {"escalate", "bind", "impersonate", `\*`}},
						{"requestObject.rules.resources": {`\*`}},
						{"requestObject.rules.apiGroups": {`\*`}},
					} {
						s := Selection{"objectRef.resource": {"roles", "clusterroles"}, "objectRef.subresource": {""}, "verb": {"create", "update", "patch"}}
						for k, v := range grant {
							s[k] = v
						}
						out = append(out, s)
					}
					return out
				}(),
				Except: []Selection{refusedByAPI, byControlPlane},
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				r := resource(ev)
				if (r != "roles" && r != "clusterroles") || (ev.Verb != "create" && ev.Verb != "update" && ev.Verb != "patch") || !allowed(ev) || ev.RequestObject == nil || controlPlane(ev.User.Username) {
					return "", false
				}
				var role rbacv1.ClusterRole
				if requestBody(ev, &role) != nil {
					return "", false
				}
				for i, rule := range role.Rules {
					for _, v := range rule.Verbs {
						if slices.Contains([]string{"escalate", "bind", "impersonate", "*"}, v) {
							return fmt.Sprintf("rules[%d] grants %q", i, v), true
						}
					}
					if slices.Contains(rule.Resources, "*") || slices.Contains(rule.APIGroups, "*") {
						return fmt.Sprintf("rules[%d] grants every resource", i), true
					}
				}
				return "", false
			},
		}
	})
}
