package controls

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Authentication and authorization": an identity that may
escalate or bind roles grants itself or others what it does not hold, and one that may impersonate acts
as any user, group or ServiceAccount, cluster-admin included.

**Checked:** the rules of every Role and ClusterRole.

**Passes when:** no rule grants escalate or bind on roles or clusterroles, or impersonate on users,
groups, serviceaccounts, uids or userextras (wildcards included).

Sources: CIS 5.1.8.
*/

func init() { addControl(CheckRBACEscalationVerbs) }

// CheckRBACEscalationVerbs is the control on escalate, bind and impersonate.
func CheckRBACEscalationVerbs() Control {
	return Control{
		ID: "rbac-escalation-verbs", Level: LevelAdvisory, Title: "No role grants escalate, bind or impersonate",
		Guide: "Authentication and authorization", CIS: "5.1.8", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: rbacEscalationVerbs_1_31}},
	}
}

func rbacEscalationVerbs_1_31(inv *Inventory) Result {
	return inv.judgeRoles(func(r rbacv1.PolicyRule) (string, bool) {
		var what []string
		for _, res := range []string{"roles", "clusterroles"} {
			if grants(r, rbacv1.GroupName, res, "escalate", "bind") {
				what = append(what, strings.Join(grantedVerbs(r, "escalate", "bind"), ", ")+" on "+res)
			}
		}
		for _, res := range []struct{ group, resource string }{{"", "users"}, {"", "groups"}, {"", "serviceaccounts"}, {"authentication.k8s.io", "uids"}, {"authentication.k8s.io", "userextras"}} {
			if grants(r, res.group, res.resource, "impersonate") {
				what = append(what, strings.Join(grantedVerbs(r, "impersonate"), ", ")+" on "+res.resource)
			}
		}
		if len(what) == 0 {
			return "", false
		}
		return "grants " + strings.Join(what, "; "), true
	}, "remove escalate, bind and impersonate; grant the roles themselves to the subjects that need them, and exempt a controller that must bind roles with its reason",
		"none grants escalate, bind or impersonate")
}
