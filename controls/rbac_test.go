package controls

import (
	"testing"

	"github.com/stretchr/testify/assert"
	rbacv1 "k8s.io/api/rbac/v1"
)

// TestGrantsReadsRulesAsTheAuthorizerDoes: wildcards in groups, resources, subresources and verbs.
func TestGrantsReadsRulesAsTheAuthorizerDoes(t *testing.T) {
	rule := func(groups, resources, verbs []string) rbacv1.PolicyRule {
		return rbacv1.PolicyRule{APIGroups: groups, Resources: resources, Verbs: verbs}
	}
	core, star := []string{""}, []string{"*"}
	for _, tc := range []struct {
		name            string
		rule            rbacv1.PolicyRule
		group, resource string
		verbs           []string
		want            bool
	}{
		{"exact", rule(core, []string{"secrets"}, []string{"get"}), "", "secrets", []string{"get"}, true},
		{"other verb", rule(core, []string{"secrets"}, []string{"create"}), "", "secrets", []string{"get", "list"}, false},
		{"verb wildcard", rule(core, []string{"secrets"}, star), "", "secrets", []string{"list"}, true},
		{"resource wildcard", rule(core, star, []string{"list"}), "", "secrets", []string{"list"}, true},
		{"group wildcard", rule(star, []string{"secrets"}, []string{"get"}), "", "secrets", []string{"get"}, true},
		{"other group", rule([]string{"apps"}, []string{"secrets"}, []string{"get"}), "", "secrets", []string{"get"}, false},
		{"subresource", rule(core, []string{"pods/exec"}, []string{"create"}), "", "pods/exec", []string{"create"}, true},
		{"subresource wildcard", rule(core, []string{"pods/*"}, []string{"get"}), "", "pods/attach", []string{"get"}, true},
		{"any resource's subresource", rule(core, []string{"*/exec"}, []string{"create"}), "", "pods/exec", []string{"create"}, true},
		{"a resource is not its subresources", rule(core, []string{"pods"}, []string{"create"}), "", "pods/exec", []string{"create"}, false},
		{"a subresource wildcard is not the resource", rule(core, []string{"pods/*"}, []string{"create"}), "", "pods", []string{"create"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, grants(tc.rule, tc.group, tc.resource, tc.verbs...))
		})
	}
}
