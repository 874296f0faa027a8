package guardrails

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/kubeharden/kubeharden/components/componenttest"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

// render runs NewGuardrails with the mocks and returns what it registered.
func render(t *testing.T, g config.Guardrails) *componenttest.Recorder {
	t.Helper()
	rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
		_, err := NewGuardrails(ctx, "kh", &GuardrailsArgs{Profile: componenttest.Resolved(t, &config.Profile{Guardrails: g})})
		return err
	})
	require.NoError(t, err)
	return rec
}

// selector is a namespace selector's match expressions as key, operator and values.
func selector(t *testing.T, sel resource.PropertyValue) [][]string {
	t.Helper()
	var out [][]string
	for _, e := range sel.ObjectValue()["matchExpressions"].ArrayValue() {
		m := e.ObjectValue()
		row := []string{m["key"].StringValue(), m["operator"].StringValue()}
		if v, ok := m["values"]; ok {
			for _, s := range v.ArrayValue() {
				row = append(row, s.StringValue())
			}
		}
		out = append(out, row)
	}
	return out
}

// TestBindingsSelectTenantsAndLeavePrivilegedOnesToPodSecurity: every binding selects the tenant
// namespaces; only the pod security template policy also leaves privileged namespaces alone. Each binding
// takes its rule's action (Warn also audits); the rest Deny.
func TestBindingsSelectTenantsAndLeavePrivilegedOnesToPodSecurity(t *testing.T) {
	rec := render(t, config.Guardrails{AllowedRegistries: []string{"registry.k8s.io"}, Actions: map[string]string{"imageTag": "Warn"}})
	bindings := rec.ByType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding")
	require.Len(t, bindings, 6)
	for _, b := range bindings {
		spec := b.Inputs["spec"].ObjectValue()
		got := selector(t, spec["matchResources"].ObjectValue()["namespaceSelector"])
		want := [][]string{{contract.TenantLabel, "Exists"}}
		if b.Name == "kh-"+PodSecurityPolicyName {
			want = append(want, []string{psaapi.EnforceLevelLabel, "NotIn", "privileged"})
		}
		assert.Equal(t, want, got, b.Name)
		var actions []string
		for _, a := range spec["validationActions"].ArrayValue() {
			actions = append(actions, a.StringValue())
		}
		if b.Name == "kh-kubeharden-image-tag" {
			assert.Equal(t, []string{"Warn", "Audit"}, actions, "a warning alone leaves no trace in the audit log")
		} else {
			assert.Equal(t, []string{"Deny"}, actions, b.Name)
		}
	}
}

// TestNoRuleWithNothingToRefuse: no registry policy without registries, no Service policy when both
// types are allowed, in either engine.
func TestNoRuleWithNothingToRefuse(t *testing.T) {
	open := config.Guardrails{AllowNodePorts: true, AllowLoadBalancers: true}
	for _, p := range Policies(open) {
		assert.NotContains(t, []string{"allowedRegistries", "serviceType"}, p.Rule)
	}
	assert.Len(t, Policies(open), 4)
	assert.Len(t, Policies(config.Guardrails{AllowNodePorts: true}), 5, "LoadBalancers refused")
}

// TestGatekeeperConstraintsCarryTheirParameters: a template whose rule has parameters declares them in
// its schema and its constraint sets them; one without declares none and sets none. Every constraint
// selects the tenant namespaces, the pod security ones also leave the privileged namespaces alone.
func TestGatekeeperConstraintsCarryTheirParameters(t *testing.T) {
	rec := render(t, config.Guardrails{Engine: config.GatekeeperEngine, AllowedRegistries: []string{"registry.k8s.io"}})
	templates := map[string]resource.PropertyMap{}
	for _, r := range rec.ByType("kubernetes:templates.gatekeeper.sh/v1:ConstraintTemplate") {
		spec := r.Inputs["spec"].ObjectValue()
		kind := spec["crd"].ObjectValue()["spec"].ObjectValue()["names"].ObjectValue()["kind"].StringValue()
		templates[kind] = spec["crd"].ObjectValue()["spec"].ObjectValue()["validation"].ObjectValue()["openAPIV3Schema"].ObjectValue()
	}
	withParameters := 0
	for _, tmpl := range Templates(config.Guardrails{AllowedRegistries: []string{"registry.k8s.io"}}) {
		schema, ok := templates[tmpl.Kind]
		require.True(t, ok, tmpl.Kind)
		var constraint resource.PropertyMap
		for _, r := range rec.ByType("kubernetes:constraints.gatekeeper.sh/v1beta1:" + tmpl.Kind) {
			constraint = r.Inputs["spec"].ObjectValue()
		}
		require.NotNil(t, constraint, tmpl.Kind)
		_, declares := schema["properties"]
		_, sets := constraint["parameters"]
		assert.Equal(t, tmpl.Parameters != nil, declares, "%s declares parameters", tmpl.Kind)
		assert.Equal(t, tmpl.Parameters != nil, sets, "%s sets parameters", tmpl.Kind)
		if tmpl.Parameters != nil {
			withParameters++
		}
		want := [][]string{{contract.TenantLabel, "Exists"}}
		if strings.Contains(tmpl.File, "podsecurity_") {
			want = append(want, append([]string{psaapi.EnforceLevelLabel, "NotIn"}, tmpl.ExceptLevels...))
		}
		assert.Equal(t, want, selector(t, constraint["match"].ObjectValue()["namespaceSelector"]), tmpl.Kind)
	}
	assert.Positive(t, withParameters, "the registry rule has parameters")
}
