package rbac

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeharden/kubeharden/config"
)

func grants(rules []rbacv1.PolicyRule, group, resource, verb string) bool {
	for _, r := range rules {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				for _, v := range r.Verbs {
					if g == group && res == resource && v == verb {
						return true
					}
				}
			}
		}
	}
	return false
}

func TestCatalogIsLeastPrivilege(t *testing.T) {
	catalog := map[string][]rbacv1.PolicyRule{
		ClusterReaderRole:            ClusterReaderRules(),
		AuditorRole:                  AuditorRules(),
		NamespaceAdminRole:           NamespaceAdminRules(),
		DeveloperRole:                DeveloperRules(config.Access{}),
		DeveloperRole + " with exec": DeveloperRules(config.Access{AllowExec: true}),
		ViewerRole:                   ViewerRules(),
	}
	for name, rules := range catalog {
		t.Run(name, func(t *testing.T) {
			for _, r := range rules {
				for _, v := range append(append(append([]string{}, r.APIGroups...), r.Resources...), r.Verbs...) {
					assert.False(t, strings.Contains(v, "*"), "wildcard %q", v)
				}
				for _, v := range r.Verbs {
					assert.NotContains(t, []string{"bind", "escalate", "impersonate"}, v)
				}
				assert.NotContains(t, r.Resources, "nodes/proxy")
				assert.NotContains(t, r.Resources, "certificatesigningrequests/approval")
				for _, g := range r.APIGroups {
					if g == "admissionregistration.k8s.io" {
						assert.Equal(t, read, r.Verbs, "nobody but the cluster's admins writes admission configuration")
					}
				}
			}
		})
	}
	for _, name := range []string{ClusterReaderRole, AuditorRole, DeveloperRole, ViewerRole} {
		assert.False(t, grants(catalog[name], "", "secrets", "get"), "%s cannot read Secrets", name)
		assert.False(t, grants(catalog[name], "", "secrets", "list"), "%s cannot list Secrets", name)
	}
	assert.True(t, grants(catalog[NamespaceAdminRole], "", "secrets", "get"), "the namespace admin manages its Secrets")
	assert.False(t, grants(catalog[NamespaceAdminRole], "networking.k8s.io", "networkpolicies", "delete"), "the admin cannot lift the default deny")
	assert.False(t, grants(catalog[NamespaceAdminRole], "", "resourcequotas", "update"), "nor the quota")
	assert.False(t, grants(catalog[DeveloperRole], "rbac.authorization.k8s.io", "rolebindings", "create"))
	assert.False(t, grants(catalog[DeveloperRole], "", "pods/exec", "create"), "no exec unless allowed")
	assert.True(t, grants(catalog[DeveloperRole+" with exec"], "", "pods/exec", "create"))
	assert.False(t, grants(catalog[ViewerRole], "", "pods", "create"))
}

func TestAuditorReadsAdmissionConfiguration(t *testing.T) {
	assert.True(t, grants(AuditorRules(), "admissionregistration.k8s.io", "validatingadmissionpolicies", "list"))
	assert.False(t, grants(AuditorRules(), "admissionregistration.k8s.io", "validatingadmissionpolicies", "update"))
}
