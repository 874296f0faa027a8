package detections

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// cluster-admin-binding: a binding to cluster-admin, or of the system:masters group, written by anyone:
// whoever it names holds the whole cluster, and a system:masters member cannot be stopped by RBAC.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "cluster-admin-binding", Title: "A binding to cluster-admin or of system:masters",
			Detects: "an allowed create, update or patch of a RoleBinding or ClusterRoleBinding whose role is cluster-admin or whose subjects include the system:masters group",
			Why:     "it hands someone the whole cluster, the most common way to keep a foothold",
			MITRE:   "T1098 Account Manipulation", ThreatMatrix: "Cluster-admin binding",
			Guide: "Authentication and authorization", Severity: SeverityCritical,
			Needs: Needs{Level: auditv1.LevelRequest, Requests: append(requests("create", "rbac.authorization.k8s.io", true, "rolebindings"),
				requests("create", "rbac.authorization.k8s.io", false, "clusterrolebindings")...)},
			Fields: Fields{
				Match: []Selection{
					{"objectRef.resource": {"rolebindings", "clusterrolebindings"}, "objectRef.subresource": {""}, "verb": {"create", "update", "patch"}, "requestObject.roleRef.name": {"cluster-admin"}},
					{"objectRef.resource": {"rolebindings", "clusterrolebindings"}, "objectRef.subresource": {""}, "verb": {"create", "update", "patch"}, "requestObject.subjects.name": {"system:masters"}},
				},
				Except:      []Selection{refusedByAPI, byControlPlane},
				Approximate: "a subject named system:masters matches whatever its kind; the Go rule asks for a Group",
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				r := resource(ev)
				if (r != "rolebindings" && r != "clusterrolebindings") || !isWrite(ev.Verb) || ev.Verb == "delete" || ev.Verb == "deletecollection" || !allowed(ev) || ev.RequestObject == nil || controlPlane(ev.User.Username) {
					return "", false
				}
				var b rbacv1.ClusterRoleBinding
				if requestBody(ev, &b) != nil {
					return "", false
				}
				var subjects []string
				masters := false
				for _, s := range b.Subjects {
					subjects = append(subjects, s.Kind+" "+s.Name)
					masters = masters || s.Kind == "Group" && s.Name == "system:masters"
				}
				if b.RoleRef.Name != "cluster-admin" && !masters {
					return "", false
				}
				return "binds " + b.RoleRef.Kind + " " + b.RoleRef.Name + " to " + strings.Join(subjects, ", "), true
			},
		}
	})
}
