package controls

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Authentication and authorization": roles grant least
privilege; a wildcard grants whatever is added to the cluster later.

**Checked:** rules[].apiGroups, rules[].resources and rules[].verbs of every Role and ClusterRole, of
whatever name (the API server's own bootstrap roles are exempt by their label: see bootstrap.go).

**Passes when:** no entry contains "*".

Sources: CIS 5.1.3, kubescape C-0035.
*/

func init() { addControl(CheckRBACNoWildcards) }

// CheckRBACNoWildcards is the no-wildcard RBAC control.
func CheckRBACNoWildcards() Control {
	return Control{
		ID: "rbac-no-wildcards", Level: LevelMandatory, Title: "Roles name every API group, resource and verb they grant",
		Guide: "Authentication and authorization", CIS: "5.1.3", Kubescape: "C-0035", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: rbacNoWildcards_1_31}},
	}
}

func rbacNoWildcards_1_31(inv *Inventory) Result {
	var out Result
	check := func(o manifests.Object, rules []rbacv1.PolicyRule) {
		key := o.Key()
		before := len(out.Findings)
		for i, r := range rules {
			for _, f := range []struct {
				field  string
				values []string
			}{{"apiGroups", r.APIGroups}, {"resources", r.Resources}, {"verbs", r.Verbs}} {
				for j, v := range f.values {
					if strings.Contains(v, "*") {
						out.Findings = append(out.Findings, Finding{Object: key, Path: o.Path, Field: fmt.Sprintf("rules[%d].%s[%d]", i, f.field, j),
							Message: fmt.Sprintf("grants %q", v), Remedy: "name each " + strings.TrimSuffix(f.field, "s") + " the role needs"})
					}
				}
			}
		}
		if len(out.Findings) == before {
			out.Evidence = append(out.Evidence, Evidence{Object: key, Path: o.Path, Detail: fmt.Sprintf("%d rules, each naming its API groups, resources and verbs", len(rules))})
		}
	}
	for o := range inv.ByKind("Role") {
		check(o, o.Typed().(*rbacv1.Role).Rules)
	}
	for o := range inv.ByKind("ClusterRole") {
		check(o, o.Typed().(*rbacv1.ClusterRole).Rules)
	}
	return out
}
