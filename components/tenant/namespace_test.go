package tenant

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/check"
	"github.com/kubeharden/kubeharden/components/componenttest"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/controls/manifests"
	"github.com/kubeharden/kubeharden/report"
)

// tenantArgs are the args of tenant team-a of a resolved profile, after change (if any) is made to it.
func tenantArgs(t *testing.T, change func(p *config.Profile)) *NamespaceArgs {
	t.Helper()
	p := &config.Profile{Tenants: []config.Tenant{{Name: "team-a"}}}
	if change != nil {
		change(p)
	}
	return &NamespaceArgs{Profile: componenttest.Resolved(t, p), Tenant: p.Tenants[0].Name}
}

func run(t *testing.T, args *NamespaceArgs) (*componenttest.Recorder, error) {
	t.Helper()
	return componenttest.Run(func(ctx *pulumi.Context) error {
		_, err := NewNamespace(ctx, "kh-team-a", args)
		return err
	})
}

// get walks a property map by keys, returning the value at the end (or a null value).
func get(m resource.PropertyMap, keys ...string) resource.PropertyValue {
	v := resource.NewObjectProperty(m)
	for _, k := range keys {
		if !v.IsObject() {
			return resource.NewNullProperty()
		}
		v = v.ObjectValue()[resource.PropertyKey(k)]
	}
	return v
}

// object returns the one registered resource of type typ whose Kubernetes name is name.
func object(t *testing.T, rec *componenttest.Recorder, typ, name string) componenttest.Resource {
	t.Helper()
	var found []componenttest.Resource
	for _, r := range rec.ByType(typ) {
		if v := get(r.Inputs, "metadata", "name"); v.IsString() && v.StringValue() == name {
			found = append(found, r)
		}
	}
	require.Len(t, found, 1, "one %s named %s", typ, name)
	return found[0]
}

const networkPolicyType = "kubernetes:networking.k8s.io/v1:NetworkPolicy"

func TestNewNamespaceCreatesEveryHardenedObject(t *testing.T) {
	rec, err := run(t, tenantArgs(t, nil))
	require.NoError(t, err)

	comps := rec.ByType(NamespaceType)
	require.Len(t, comps, 1)
	var types []string
	for _, r := range rec.Resources() {
		if r.Type == NamespaceType {
			continue
		}
		types = append(types, r.Type+" "+r.Name)
		assert.True(t, strings.HasSuffix(r.Parent, "::kh-team-a"), "%s %s is parented to the component, got %q", r.Type, r.Name, r.Parent)
		assert.True(t, strings.HasPrefix(r.Name, "kh-team-a"), "child name %q derives from the component's", r.Name)
	}
	assert.ElementsMatch(t, []string{
		"kubernetes:core/v1:Namespace kh-team-a",
		"kubernetes:networking.k8s.io/v1:NetworkPolicy kh-team-a-default-deny",
		"kubernetes:networking.k8s.io/v1:NetworkPolicy kh-team-a-allow-dns",
		"kubernetes:core/v1:ResourceQuota kh-team-a-quota",
		"kubernetes:core/v1:LimitRange kh-team-a-limits",
		"kubernetes:core/v1:ServiceAccountPatch kh-team-a-default-sa",
		"kubernetes:rbac.authorization.k8s.io/v1:Role kh-team-a-role-admin",
		"kubernetes:rbac.authorization.k8s.io/v1:Role kh-team-a-role-developer",
		"kubernetes:rbac.authorization.k8s.io/v1:Role kh-team-a-role-viewer",
	}, types, "no CIDR egress policy without egress CIDRs, no binding without subjects")

	ns := rec.ByType("kubernetes:core/v1:Namespace")[0]
	labels := get(ns.Inputs, "metadata", "labels").Mappable()
	assert.Equal(t, map[string]any{
		"app.kubernetes.io/managed-by":               "kubeharden",
		"kubeharden.io/tenant":                       "team-a",
		"pod-security.kubernetes.io/enforce":         "restricted",
		"pod-security.kubernetes.io/enforce-version": "v1.36",
		"pod-security.kubernetes.io/audit":           "restricted",
		"pod-security.kubernetes.io/audit-version":   "v1.36",
		"pod-security.kubernetes.io/warn":            "restricted",
		"pod-security.kubernetes.io/warn-version":    "v1.36",
	}, labels)
	assert.Equal(t, "team-a", get(ns.Inputs, "metadata", "name").StringValue())

	deny := object(t, rec, networkPolicyType, DefaultDenyPolicyName)
	assert.Equal(t, []any{"Ingress", "Egress"}, get(deny.Inputs, "spec", "policyTypes").Mappable())
	assert.Equal(t, map[string]any{}, get(deny.Inputs, "spec", "podSelector").Mappable(), "the policy selects every pod")
	assert.True(t, get(deny.Inputs, "spec", "ingress").IsNull())
	assert.True(t, get(deny.Inputs, "spec", "egress").IsNull())

	dns := object(t, rec, networkPolicyType, DNSEgressPolicyName)
	assert.Equal(t, []any{map[string]any{
		"to": []any{map[string]any{
			"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "kube-system"}},
			"podSelector":       map[string]any{"matchLabels": map[string]any{"k8s-app": "kube-dns"}},
		}},
		"ports": []any{
			map[string]any{"protocol": "UDP", "port": float64(53)},
			map[string]any{"protocol": "TCP", "port": float64(53)},
		},
	}}, get(dns.Inputs, "spec", "egress").Mappable())

	quota := rec.ByType("kubernetes:core/v1:ResourceQuota")[0]
	assert.Equal(t, map[string]any{"requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi", "pods": "20"},
		get(quota.Inputs, "spec", "hard").Mappable())

	sa := rec.ByType("kubernetes:core/v1:ServiceAccountPatch")[0]
	assert.Equal(t, "default", get(sa.Inputs, "metadata", "name").StringValue())
	assert.Equal(t, false, get(sa.Inputs, "automountServiceAccountToken").BoolValue())
}

func TestNewNamespaceExceptsTheMetadataEndpointFromEgressCIDRs(t *testing.T) {
	rec, err := run(t, tenantArgs(t, func(p *config.Profile) {
		p.Tenants[0].EgressCIDRs = []string{"10.40.0.0/16", "0.0.0.0/0", "fd00:ec2::/32"}
	}))
	require.NoError(t, err)

	require.Len(t, rec.ByType(networkPolicyType), 3)
	cidr := object(t, rec, networkPolicyType, CIDREgressPolicyName)
	assert.Equal(t, []any{map[string]any{"to": []any{
		map[string]any{"ipBlock": map[string]any{"cidr": "10.40.0.0/16"}},
		map[string]any{"ipBlock": map[string]any{"cidr": "0.0.0.0/0", "except": []any{"169.254.169.254/32", "100.100.100.200/32"}}},
		map[string]any{"ipBlock": map[string]any{"cidr": "fd00:ec2::/32", "except": []any{"fd00:ec2::254/128"}}},
	}}}, get(cidr.Inputs, "spec", "egress").Mappable())
}

// TestNewNamespaceRefusesBadArgsBeforeRegisteringAnything: no args, a profile that was not resolved, or
// a tenant the profile does not have, register nothing; a bad tenant never reaches the component:
// resolving its profile refuses it with the field path.
func TestNewNamespaceRefusesBadArgsBeforeRegisteringAnything(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(p *config.Profile)
		wantIn string
	}{
		{"bad namespace name", func(p *config.Profile) { p.Tenants[0].Name = "Team A" }, `tenants[0].name: Invalid value: "Team A"`},
		{"bad quantity", func(p *config.Profile) { p.Tenants[0].LimitRange.MaxCPU = "two" },
			`tenants[0].limitRange.maxCPU: Invalid value: "two": must be a Kubernetes quantity such as 500m, 2 or 1Gi`},
		{"unknown level", func(p *config.Profile) { p.PodSecurity.Enforce = "none" }, `podSecurity.enforce: Unsupported value: "none"`},
		{"metadata endpoint", func(p *config.Profile) { p.Tenants[0].EgressCIDRs = []string{"169.254.169.254/32"} },
			`tenants[0].egressCIDRs[0]: Forbidden: the cloud metadata endpoint 169.254.169.254/32 is never reachable from tenant pods`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &config.Profile{Tenants: []config.Tenant{{Name: "team-a"}}}
			tc.change(p)
			_, err := config.Resolve(p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantIn)
		})
	}
	for _, tc := range []struct {
		name   string
		args   func() *NamespaceArgs
		wantIn string
	}{
		{"nil args", func() *NamespaceArgs { return nil }, "tenant namespace kh-team-a: args are required"},
		{"a profile that was not resolved", func() *NamespaceArgs { return &NamespaceArgs{Tenant: "team-a"} },
			"tenant namespace kh-team-a: a resolved profile is required"},
		{"a tenant the profile does not have", func() *NamespaceArgs { a := tenantArgs(t, nil); a.Tenant = "team-b"; return a },
			`tenant namespace kh-team-a: the profile has no tenant "team-b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := run(t, tc.args())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantIn)
			assert.Empty(t, rec.Resources(), "nothing is registered")
		})
	}
}

func TestNewNamespaceBindsRolesToTheProfilesSubjectsOnly(t *testing.T) {
	rec, err := run(t, tenantArgs(t, func(p *config.Profile) {
		p.Tenants[0].Access = config.Access{
			Developers: []config.Subject{{Kind: "Group", Name: "oidc:team-a"}},
			Viewers:    []config.Subject{{Kind: "User", Name: "oidc:auditor@example.com"}},
		}
	}))
	require.NoError(t, err)
	bindings := rec.ByType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
	require.Len(t, bindings, 2, "no binding for the admin role, which has no subjects")
	dev := object(t, rec, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "kubeharden:developer")
	assert.Equal(t, []any{map[string]any{"kind": "Group", "name": "oidc:team-a", "apiGroup": "rbac.authorization.k8s.io"}},
		get(dev.Inputs, "subjects").Mappable())
	assert.Equal(t, map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "kubeharden:developer"},
		get(dev.Inputs, "roleRef").Mappable())
	assert.Equal(t, "team-a", get(dev.Inputs, "metadata", "namespace").StringValue())
}

// A tenant at baseline with its reason: the namespace carries the reason, and the catalog passes it,
// showing the reason in its evidence.
func TestAWeakerTenantRecordsItsReasonAndPassesTheCheck(t *testing.T) {
	p := componenttest.Resolved(t, &config.Profile{Tenants: []config.Tenant{{Name: "legacy", PodSecurity: &config.PodSecurity{Enforce: "baseline", ExemptionReason: "a vendor agent runs as root; SEC-9"}}}})
	rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
		_, err := NewNamespace(ctx, "kh-legacy", &NamespaceArgs{Profile: p, Tenant: "legacy"})
		return err
	})
	require.NoError(t, err)
	ns := object(t, rec, "kubernetes:core/v1:Namespace", "legacy")
	assert.Equal(t, "a vendor agent runs as root; SEC-9", get(ns.Inputs, "metadata", "annotations", contract.PodSecurityExemptionReasonAnnotation).StringValue())

	doc := ns.Inputs.Mappable()
	doc["apiVersion"], doc["kind"] = "v1", "Namespace"
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	r, err := check.Run(context.Background(), check.Inputs{KubernetesVersion: config.DefaultKubernetesVersion,
		Sources: []manifests.Source{{Name: "legacy", Data: data}}})
	require.NoError(t, err)
	var result report.ControlResult
	for _, c := range r.Controls {
		if c.ID == "namespace-pod-security" {
			result = c
		}
	}
	assert.Equal(t, report.StatusPass, result.Status, "%+v", r.FindingsOf("namespace-pod-security"))
	require.Len(t, result.Evidence, 1)
	assert.Contains(t, result.Evidence[0].Detail, "reason recorded: a vendor agent runs as root; SEC-9")

	// At restricted there is nothing to record.
	rec, err = run(t, tenantArgs(t, nil))
	require.NoError(t, err)
	annotations := get(object(t, rec, "kubernetes:core/v1:Namespace", "team-a").Inputs, "metadata", "annotations").ObjectValue()
	assert.NotContains(t, annotations, resource.PropertyKey(contract.PodSecurityExemptionReasonAnnotation))
}

// TestNewNamespaceRunsPodsUnderTheSeccompAuditProfile: with seccompAudit, a MutatingAdmissionPolicy bound
// to the namespace alone gives pods that name no seccomp profile kubeharden's audit profile; without it,
// there is none.
func TestNewNamespaceRunsPodsUnderTheSeccompAuditProfile(t *testing.T) {
	const policyType = "kubernetes:admissionregistration.k8s.io/v1:MutatingAdmissionPolicy"
	const bindingType = "kubernetes:admissionregistration.k8s.io/v1:MutatingAdmissionPolicyBinding"
	rec, err := run(t, tenantArgs(t, nil))
	require.NoError(t, err)
	assert.Empty(t, rec.ByType(policyType), "no audit profile unless the tenant asks")

	rec, err = run(t, tenantArgs(t, func(p *config.Profile) {
		p.Tenants[0].SeccompAudit = true
		p.ControlPlane.Kubelet.SeccompAuditProfile = true
	}))
	require.NoError(t, err)
	policy := object(t, rec, policyType, SeccompAuditPolicyName("team-a"))
	mutation := get(policy.Inputs, "spec", "mutations").ArrayValue()[0].ObjectValue()
	assert.Equal(t, "ApplyConfiguration", mutation["patchType"].StringValue())
	assert.Equal(t, SeccompAuditMutation, get(mutation, "applyConfiguration", "expression").StringValue())
	assert.Contains(t, SeccompAuditMutation, `localhostProfile: "`+contract.SeccompAuditProfile+`"`)
	assert.Equal(t, SeccompAuditCondition, get(policy.Inputs, "spec", "matchConditions").ArrayValue()[0].ObjectValue()["expression"].StringValue())
	binding := object(t, rec, bindingType, SeccompAuditPolicyName("team-a"))
	assert.Equal(t, "team-a", get(binding.Inputs, "spec", "matchResources", "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name").StringValue())
}
