package baseline

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/components/componenttest"
	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

func TestNewBaselineCreatesATenantPerProfileEntry(t *testing.T) {
	profile := &config.Profile{Tenants: []config.Tenant{
		{Name: "team-a"},
		{Name: "legacy", PodSecurity: &config.PodSecurity{Enforce: "baseline", ExemptionReason: "vendor image runs as root"}},
	}}
	var namespaces []string
	resolved := componenttest.Resolved(t, profile)
	rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
		b, err := NewBaseline(ctx, "kh", &BaselineArgs{Profile: resolved})
		if err != nil {
			return err
		}
		// An export is awaited by the run; a bare ApplyT may not be.
		ctx.Export("namespaces", b.Namespaces.ApplyT(func(ns []string) []string { namespaces = ns; return ns }))
		return nil
	})
	require.NoError(t, err)

	assert.Len(t, rec.ByType(BaselineType), 1)
	tenants := rec.ByType(tenant.NamespaceType)
	require.Len(t, tenants, 2)
	assert.Equal(t, "kh-team-a", tenants[0].Name)
	assert.Equal(t, "kh-legacy", tenants[1].Name)
	assert.Equal(t, []string{"team-a", "legacy"}, namespaces)

	for _, ns := range rec.ByType("kubernetes:core/v1:Namespace") {
		labels := ns.Inputs["metadata"].ObjectValue()["labels"].ObjectValue()
		want := "restricted"
		if ns.Name == "kh-legacy" {
			want = "baseline"
		}
		assert.Equal(t, want, labels["pod-security.kubernetes.io/enforce"].StringValue(), ns.Name)
		assert.Equal(t, "restricted", labels["pod-security.kubernetes.io/warn"].StringValue(), "%s warns at restricted", ns.Name)
	}
	assert.Empty(t, profile.PodSecurity.Enforce, "the caller's profile is not modified")
}

func TestNewBaselineBindsClusterRolesAndBreakGlassAsAsked(t *testing.T) {
	profile := &config.Profile{RBAC: config.RBAC{
		ClusterReaders: []config.Subject{{Kind: "Group", Name: "oidc:sre"}},
		BreakGlass:     []config.BreakGlass{{Name: "oncall", Subject: config.Subject{Kind: "Group", Name: "oidc:oncall"}, Reason: "incident response"}},
	}}
	resolved := componenttest.Resolved(t, profile)
	rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
		_, err := NewBaseline(ctx, "kh", &BaselineArgs{Profile: resolved})
		return err
	})
	require.NoError(t, err)
	assert.Len(t, rec.ByType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"), 2, "cluster reader and auditor")
	var names []string
	for _, b := range rec.ByType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding") {
		meta := b.Inputs["metadata"].ObjectValue()
		names = append(names, meta["name"].StringValue())
		if meta["name"].StringValue() == "kubeharden:break-glass:oncall" {
			assert.Equal(t, "cluster-admin", b.Inputs["roleRef"].ObjectValue()["name"].StringValue())
			assert.Equal(t, "incident response", meta["annotations"].ObjectValue()[contract.BreakGlassReasonAnnotation].StringValue())
		} else {
			assert.NotEqual(t, "cluster-admin", b.Inputs["roleRef"].ObjectValue()["name"].StringValue(), "only break-glass binds cluster-admin")
		}
	}
	assert.ElementsMatch(t, []string{"kubeharden:cluster-reader", "kubeharden:break-glass:oncall"}, names, "no auditor binding without auditors")
}

func TestNewBaselineChoosesTheGuardrailEngine(t *testing.T) {
	for _, tc := range []struct {
		engine            string
		policies, customs int
	}{{"native", 5, 0}, {"gatekeeper", 0, 12}} {
		t.Run(tc.engine, func(t *testing.T) {
			profile := &config.Profile{Guardrails: config.Guardrails{Engine: tc.engine}}
			resolved := componenttest.Resolved(t, profile)
			rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
				_, err := NewBaseline(ctx, "kh", &BaselineArgs{Profile: resolved})
				return err
			})
			require.NoError(t, err)
			assert.Len(t, rec.ByType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"), tc.policies)
			templates := rec.ByType("kubernetes:templates.gatekeeper.sh/v1:ConstraintTemplate")
			assert.Len(t, templates, tc.customs/2, "image tag, limits, ServiceAccount, Service type, Pod Security baseline and restricted: no registry rule without registries")
			for _, tmpl := range templates {
				target := tmpl.Inputs["spec"].ObjectValue()["targets"].ArrayValue()[0].ObjectValue()
				assert.Contains(t, target["rego"].StringValue(), "violation contains")
				assert.Contains(t, target["libs"].ArrayValue()[0].StringValue(), "package lib.kubeharden")
			}
		})
	}
}

func TestNewBaselineRefusesAnInvalidProfileBeforeRegisteringAnything(t *testing.T) {
	// An invalid profile never reaches the component: resolving it refuses it, every problem with its
	// field path.
	_, err := config.Resolve(&config.Profile{
		KubernetesVersion: "1.40.0",
		Tenants:           []config.Tenant{{Name: "a"}, {Name: "a", Quota: config.Quota{Pods: "lots"}}},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid kubeharden profile: 3 problem(s):\n"+
		`  - kubernetesVersion: Invalid value: "1.40.0": kubeharden supports Kubernetes >= 1.31, < 1.38`+"\n"+
		`  - tenants[1].quota.pods: Invalid value: "lots": must be a Kubernetes quantity such as 500m, 2 or 1Gi`+"\n"+
		`  - tenants[1].name: Duplicate value: "a (also tenants[0].name)"`)

	for _, tc := range []struct {
		name string
		args *BaselineArgs
		want string
	}{
		{"nil args", nil, "baseline kh: a profile is required"},
		{"a profile that was not resolved", &BaselineArgs{}, "baseline kh: a resolved profile is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
				_, err := NewBaseline(ctx, "kh", tc.args)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, rec.Resources())
		})
	}
}

// Resolving a profile and building a Baseline of it leave the caller's profile as it was: defaulting
// works on a deep copy, so neither its tenants, its pointers nor its maps are written.
func TestNewBaselineLeavesTheCallersProfileAsItWas(t *testing.T) {
	profile := &config.Profile{
		Tenants:    []config.Tenant{{Name: "team-a"}, {Name: "legacy", PodSecurity: &config.PodSecurity{Enforce: "baseline", ExemptionReason: "vendor image runs as root"}}},
		Guardrails: config.Guardrails{Actions: map[string]string{"imageTag": "Deny"}},
	}
	before, err := json.Marshal(profile)
	require.NoError(t, err)
	resolved := componenttest.Resolved(t, profile)
	_, err = componenttest.Run(func(ctx *pulumi.Context) error {
		_, err := NewBaseline(ctx, "kh", &BaselineArgs{Profile: resolved})
		return err
	})
	require.NoError(t, err)
	after, err := json.Marshal(profile)
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after))
	assert.Empty(t, profile.Tenants[0].Quota.LimitsCPU, "no default written into the caller's tenant")
	assert.Len(t, profile.Guardrails.Actions, 1, "no default written into the caller's map")
}

// Every Kubernetes object of every component names the stack's own field manager, so a second apply after
// a lost answer (the API server died after the write) owns what the first wrote instead of conflicting
// with it (tests/e2e TestAnUpdateSurvivesTheAPIServerDying).
func TestEveryObjectNamesTheStacksFieldManager(t *testing.T) {
	for _, engine := range []string{"native", "gatekeeper"} {
		t.Run(engine, func(t *testing.T) {
			profile := &config.Profile{
				Tenants:    []config.Tenant{{Name: "team-a"}},
				Guardrails: config.Guardrails{Engine: engine, AllowedRegistries: []string{"registry.example.com"}},
				RBAC: config.RBAC{
					ClusterReaders: []config.Subject{{Kind: "Group", Name: "oidc:sre"}},
					Auditors:       []config.Subject{{Kind: "Group", Name: "oidc:audit"}},
					BreakGlass:     []config.BreakGlass{{Name: "oncall", Subject: config.Subject{Kind: "Group", Name: "oidc:oncall"}, Reason: "incident response"}},
				},
				Logging:    config.Logging{Enabled: true, Outputs: []config.LogOutput{{Type: "stdout"}}},
				Monitoring: config.Monitoring{Enabled: true},
			}
			resolved := componenttest.Resolved(t, profile)
			rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
				_, err := NewBaseline(ctx, "kh", &BaselineArgs{Profile: resolved})
				return err
			})
			require.NoError(t, err)
			objects := map[string]int{}
			for _, r := range rec.Resources() {
				if !strings.HasPrefix(r.Type, "kubernetes:") {
					continue
				}
				objects[r.Type]++
				annotations := r.Inputs["metadata"].ObjectValue()["annotations"]
				require.True(t, annotations.IsObject(), "%s %s has no annotations", r.Type, r.Name)
				assert.Equal(t, "kubeharden/kubeharden/test", annotations.ObjectValue()[contract.FieldManagerAnnotation].StringValue(), "%s %s", r.Type, r.Name)
				// The tamper detections know kubeharden's admission objects and roles by their names.
				name := r.Inputs["metadata"].ObjectValue()["name"].StringValue()
				switch {
				case strings.Contains(r.Type, "admissionregistration.k8s.io") || strings.Contains(r.Type, "gatekeeper.sh"):
					assert.True(t, strings.HasPrefix(name, contract.AdmissionObjectPrefix), "%s %s", r.Type, name)
				case strings.Contains(r.Type, "rbac.authorization.k8s.io"):
					assert.True(t, strings.HasPrefix(name, contract.RolePrefix), "%s %s", r.Type, name)
				}
			}
			for _, typ := range []string{"core/v1:Namespace", "core/v1:ServiceAccount", "core/v1:ConfigMap", "apps/v1:DaemonSet",
				"networking.k8s.io/v1:NetworkPolicy", "rbac.authorization.k8s.io/v1:ClusterRoleBinding", "monitoring.coreos.com/v1:PrometheusRule"} {
				assert.NotZero(t, objects["kubernetes:"+typ], "the profile makes a %s", typ)
			}
			if engine == "gatekeeper" {
				assert.NotZero(t, objects["kubernetes:templates.gatekeeper.sh/v1:ConstraintTemplate"])
			} else {
				assert.NotZero(t, objects["kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"])
			}
		})
	}
}

// TestNewBaselineMakesTheMonitoringRulesAndTheScrapersRoleWhereAsked: with monitoring, a PrometheusRule
// of kubeharden's rules in the section's namespace and a ClusterRole that may get /metrics only, bound
// to the scraper's ServiceAccount; without it, neither.
func TestNewBaselineMakesTheMonitoringRulesAndTheScrapersRoleWhereAsked(t *testing.T) {
	for _, enabled := range []bool{true, false} {
		resolved := componenttest.Resolved(t, &config.Profile{Monitoring: config.Monitoring{Enabled: enabled,
			Scraper: config.ServiceAccountRef{Namespace: "observability", Name: "prometheus"}}})
		rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
			_, err := NewBaseline(ctx, "kh", &BaselineArgs{Profile: resolved})
			return err
		})
		require.NoError(t, err)
		rules := rec.ByType("kubernetes:monitoring.coreos.com/v1:PrometheusRule")
		var scraper []componenttest.Resource
		for _, r := range rec.ByType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole") {
			if r.Inputs["metadata"].ObjectValue()["name"].StringValue() == contract.MetricsScraperRole {
				scraper = append(scraper, r)
			}
		}
		if !enabled {
			assert.Empty(t, rules)
			assert.Empty(t, scraper)
			continue
		}
		require.Len(t, rules, 1)
		assert.Equal(t, "monitoring", rules[0].Inputs["metadata"].ObjectValue()["namespace"].StringValue())
		groups := rules[0].Inputs["spec"].ObjectValue()["groups"].ArrayValue()
		require.Len(t, groups, 1)
		assert.Len(t, groups[0].ObjectValue()["rules"].ArrayValue(), 8)
		require.Len(t, scraper, 1)
		rule := scraper[0].Inputs["rules"].ArrayValue()
		require.Len(t, rule, 1, "one rule: /metrics")
		assert.Equal(t, "/metrics", rule[0].ObjectValue()["nonResourceURLs"].ArrayValue()[0].StringValue())
		assert.Equal(t, []resource.PropertyValue{resource.NewStringProperty("get")}, rule[0].ObjectValue()["verbs"].ArrayValue())
		assert.NotContains(t, rule[0].ObjectValue(), resource.PropertyKey("resources"), "no resource, no Secret")
		var bound bool
		for _, b := range rec.ByType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding") {
			if b.Inputs["metadata"].ObjectValue()["name"].StringValue() == contract.MetricsScraperRole {
				s := b.Inputs["subjects"].ArrayValue()[0].ObjectValue()
				bound = s["kind"].StringValue() == "ServiceAccount" && s["namespace"].StringValue() == "observability" && s["name"].StringValue() == "prometheus"
			}
		}
		assert.True(t, bound, "bound to the scraper's ServiceAccount")
	}
}
