package controls

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Authentication and authorization": least privilege; "the
ability to read Secrets" lets an identity read every token and password of the namespaces it spans,
and list or watch returns every Secret's value, not only its name.

**Checked:** the rules of every Role and ClusterRole (an aggregated ClusterRole's rules are its
sources').

**Passes when:** no rule grants get, list or watch on secrets (wildcards included).

Sources: CIS 5.1.2, kubescape C-0015.
*/

func init() { addControl(CheckRBACSecretsAccess) }

// CheckRBACSecretsAccess is the control on roles that read Secrets.
func CheckRBACSecretsAccess() Control {
	return Control{
		ID: "rbac-secrets-access", Level: LevelAdvisory, Title: "No role reads Secrets (get, list or watch)",
		Guide: "Authentication and authorization", CIS: "5.1.2", Kubescape: "C-0015", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: rbacSecretsAccess_1_31}},
	}
}

func rbacSecretsAccess_1_31(inv *Inventory) Result {
	read := []string{"get", "list", "watch"}
	return inv.judgeRoles(func(r rbacv1.PolicyRule) (string, bool) {
		if !grants(r, "", "secrets", read...) {
			return "", false
		}
		return "grants " + strings.Join(grantedVerbs(r, read...), ", ") + " on Secrets", true
	}, "remove get, list and watch on secrets; mount the one Secret a workload needs instead, or grant get on it by resourceNames, and exempt a role that must read them with its reason",
		"none reads Secrets")
}
