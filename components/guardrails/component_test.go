package guardrails

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/components/componenttest"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

// TestNewGuardrailsFollowsTheComponentContract: the component registers its type, parents every policy
// and binding, aliases them to where they lived before it existed (here: no parent, as the go-import
// example made them), binds the tenant label and exports the policies' names.
func TestNewGuardrailsFollowsTheComponentContract(t *testing.T) {
	g := config.Guardrails{AllowedRegistries: []string{"registry.k8s.io"}, Actions: map[string]string{"imageTag": "Warn"}}
	var names []string
	rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
		c, err := NewGuardrails(ctx, "kh", &GuardrailsArgs{Profile: componenttest.Resolved(t, &config.Profile{Guardrails: g})})
		if err != nil {
			return err
		}
		ctx.Export("names", c.PolicyNames.ApplyT(func(n []string) []string { names = n; return n }))
		return nil
	})
	require.NoError(t, err)
	components := rec.ByType(GuardrailsType)
	require.Len(t, components, 1)
	urn := "urn:pulumi:test::kubeharden::" + GuardrailsType + "::kh"

	defaulted := *g.DeepCopy()
	config.SetDefaultsGuardrails(&defaulted)
	var want []string
	for _, p := range Policies(defaulted) {
		want = append(want, p.Name)
	}
	require.NotEmpty(t, want)
	assert.Equal(t, want, names)

	policies := rec.ByType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy")
	bindings := rec.ByType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding")
	assert.Len(t, policies, len(want))
	require.Len(t, bindings, len(want))
	for _, r := range append(policies, bindings...) {
		assert.Equal(t, urn, r.Parent, r.Name)
		require.NotEmpty(t, r.Aliases, r.Name)
		assert.True(t, r.Aliases[0].GetSpec().GetNoParent(), "%s: an alias to no parent", r.Name)
	}
	for _, b := range bindings {
		spec := b.Inputs["spec"].ObjectValue()
		expr := spec["matchResources"].ObjectValue()["namespaceSelector"].ObjectValue()["matchExpressions"].ArrayValue()[0].ObjectValue()
		assert.Equal(t, contract.TenantLabel, expr["key"].StringValue())
		if b.Name == "kh-kubeharden-image-tag" {
			assert.Equal(t, "Warn", spec["validationActions"].ArrayValue()[0].StringValue())
		}
	}
	assert.Equal(t, map[string]string{"imageTag": "Warn"}, g.Actions, "the caller's actions are not defaulted in place")
}

// TestNewGuardrailsAliasesToItsParent: under a parent (as Baseline makes it) the alias names the parent,
// so a stack made before Guardrails was a component keeps its policies.
func TestNewGuardrailsAliasesToItsParent(t *testing.T) {
	rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
		parent := &struct{ pulumi.ResourceState }{}
		if err := ctx.RegisterComponentResource("kubeharden:index:Baseline", "kh", parent); err != nil {
			return err
		}
		_, err := NewGuardrails(ctx, "kh", &GuardrailsArgs{Profile: componenttest.Resolved(t, &config.Profile{Guardrails: config.Guardrails{Engine: config.GatekeeperEngine}})}, pulumi.Parent(parent))
		return err
	})
	require.NoError(t, err)
	templates := rec.ByType("kubernetes:templates.gatekeeper.sh/v1:ConstraintTemplate")
	require.NotEmpty(t, templates)
	for _, r := range templates {
		require.NotEmpty(t, r.Aliases, r.Name)
		assert.Equal(t, "urn:pulumi:test::kubeharden::kubeharden:index:Baseline::kh", r.Aliases[0].GetSpec().GetParentUrn(), r.Name)
	}
	assert.Empty(t, rec.ByType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"), "gatekeeper, not native")
}

// TestNewGuardrailsRefusesBadArgsBeforeRegisteringAnything: no args, or a profile that was not resolved,
// register nothing; a bad guardrails section never reaches the component: resolving its profile
// refuses it with the field path.
func TestNewGuardrailsRefusesBadArgsBeforeRegisteringAnything(t *testing.T) {
	for _, tc := range []struct {
		name       string
		guardrails config.Guardrails
		want       string
	}{
		{"an unknown engine", config.Guardrails{Engine: "kyverno"},
			`guardrails.engine: Unsupported value: "kyverno": supported values: "native", "gatekeeper"`},
		{"an unknown action", config.Guardrails{Actions: map[string]string{"imageTag": "Block"}},
			`guardrails.actions[imageTag]: Unsupported value: "Block"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Resolve(&config.Profile{Guardrails: tc.guardrails})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	for _, tc := range []struct {
		name string
		args *GuardrailsArgs
		want string
	}{
		{"nil args", nil, "guardrails kh: args are required"},
		{"a profile that was not resolved", &GuardrailsArgs{}, "guardrails kh: a resolved profile is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
				_, err := NewGuardrails(ctx, "kh", tc.args)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, rec.Resources())
		})
	}
}
