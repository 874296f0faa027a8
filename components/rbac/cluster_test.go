package rbac

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/components/componenttest"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

// TestNewClusterRBACFollowsTheComponentContract: the component registers its type, parents and aliases
// its roles and bindings, binds only the subjects the profile names, and exports the names.
func TestNewClusterRBACFollowsTheComponentContract(t *testing.T) {
	r := config.RBAC{
		Auditors:   []config.Subject{{Kind: "Group", Name: "oidc:audit"}},
		BreakGlass: []config.BreakGlass{{Name: "oncall", Subject: config.Subject{Kind: "User", Name: "oncall@example.com"}, Reason: "incident response"}},
	}
	var roles, breakGlass []string
	rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
		c, err := NewClusterRBAC(ctx, "kh", &ClusterRBACArgs{Profile: componenttest.Resolved(t, &config.Profile{RBAC: r})})
		if err != nil {
			return err
		}
		ctx.Export("roles", c.ClusterRoles.ApplyT(func(n []string) []string { roles = n; return n }))
		ctx.Export("breakGlass", c.BreakGlassBindings.ApplyT(func(n []string) []string { breakGlass = n; return n }))
		return nil
	})
	require.NoError(t, err)
	require.Len(t, rec.ByType(ClusterRBACType), 1)
	assert.Equal(t, []string{ClusterReaderRole, AuditorRole}, roles)
	assert.Equal(t, []string{BreakGlassPrefix + "oncall"}, breakGlass)

	urn := "urn:pulumi:test::kubeharden::" + ClusterRBACType + "::kh"
	children := append(rec.ByType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"), rec.ByType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")...)
	require.Len(t, children, 4, "two roles, the auditor binding, the break-glass binding: no reader binding without readers")
	for _, c := range children {
		assert.Equal(t, urn, c.Parent, c.Name)
		require.NotEmpty(t, c.Aliases, c.Name)
		assert.True(t, c.Aliases[0].GetSpec().GetNoParent(), c.Name)
		meta := c.Inputs["metadata"].ObjectValue()
		assert.Equal(t, contract.ManagedByValue, meta["labels"].ObjectValue()[contract.ManagedByLabel].StringValue())
		if c.Name == "kh-break-glass-oncall" {
			assert.Equal(t, "incident response", meta["annotations"].ObjectValue()[contract.BreakGlassReasonAnnotation].StringValue())
			assert.Equal(t, "cluster-admin", c.Inputs["roleRef"].ObjectValue()["name"].StringValue())
		}
	}
}

// TestNewClusterRBACRefusesBadArgsBeforeRegisteringAnything: no args, or a profile that was not
// resolved, register nothing; a bad rbac section never reaches the component: resolving its profile
// refuses it with the field path.
func TestNewClusterRBACRefusesBadArgsBeforeRegisteringAnything(t *testing.T) {
	for _, tc := range []struct {
		name string
		rbac config.RBAC
		want string
	}{
		{"a subject of an unknown kind", config.RBAC{ClusterReaders: []config.Subject{{Kind: "Robot", Name: "r2"}}},
			`rbac.clusterReaders[0].kind: Unsupported value: "Robot"`},
		{"break-glass without a reason", config.RBAC{BreakGlass: []config.BreakGlass{{Name: "x", Subject: config.Subject{Kind: "User", Name: "x"}}}},
			`rbac.breakGlass[0].reason: Required value`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Resolve(&config.Profile{RBAC: tc.rbac})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	for _, tc := range []struct {
		name string
		args *ClusterRBACArgs
		want string
	}{
		{"nil args", nil, "cluster RBAC kh: args are required"},
		{"a profile that was not resolved", &ClusterRBACArgs{}, "cluster RBAC kh: a resolved profile is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
				_, err := NewClusterRBAC(ctx, "kh", tc.args)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, rec.Resources())
		})
	}
}
