package policypack_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/controls/preview"
	. "github.com/kubeharden/kubeharden/policypack"
	"github.com/kubeharden/kubeharden/report"
)

// resource is a Pulumi resource of type typ whose properties are the YAML doc.
func resource(t *testing.T, name, typ, doc string) policyx.AnalyzerResource {
	t.Helper()
	var m map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(doc), &m))
	return policyx.AnalyzerResource{URN: "urn:pulumi:dev::app::" + typ + "::" + name, Type: typ, Properties: jsonProperty(m).AsMap()}
}

// violations runs every policy of the pack on resources, as the engine's AnalyzeStack does, and returns
// each policy's violations.
func violations(t *testing.T, opts Options, resources ...policyx.AnalyzerResource) map[string][]Violation {
	t.Helper()
	pack, err := New(opts)
	require.NoError(t, err)
	out := map[string][]Violation{}
	for _, p := range pack.Policies() {
		sp := p.(policyx.StackValidationPolicy)
		m := &recorder{}
		require.NoError(t, sp.Validate(context.Background(), policyx.StackValidationArgs{Manager: m, Resources: resources}))
		if len(m.got) > 0 {
			out[p.Name()] = m.got
		}
	}
	return out
}

type recorder struct{ got []Violation }

func (r *recorder) ReportViolation(message, urn string) {
	r.got = append(r.got, Violation{URN: urn, Message: message})
}

func defaults() Options {
	return Options{Catalog: controls.DefaultControls(), KubernetesVersion: config.DefaultKubernetesVersion}
}

const hardenedNamespace = `
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: v1.36
`

func TestAPrivilegedDeploymentFailsTheWorkloadPolicies(t *testing.T) {
	deployment := resource(t, "web", "kubernetes:apps/v1:Deployment", `
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:latest
        securityContext: {privileged: true}
`)
	got := violations(t, defaults(), resource(t, "shop", "kubernetes:core/v1:Namespace", hardenedNamespace), deployment)
	for _, policy := range []string{"workload-pod-security", "container-image-tag", "container-resource-limits", "container-read-only-root-filesystem"} {
		require.NotEmpty(t, got[policy], policy)
		for _, v := range got[policy] {
			assert.Equal(t, deployment.URN, v.URN, policy)
			assert.Contains(t, v.Message, "["+policy+"] Deployment/shop/web spec.template.spec.containers[0]")
			assert.Contains(t, v.Message, "; fix: ")
		}
	}
	assert.True(t, slices.ContainsFunc(got["workload-pod-security"], func(v Violation) bool {
		return strings.Contains(v.Message, "securityContext.privileged")
	}), "%v", got["workload-pod-security"])
	assert.NotContains(t, got, InputsPolicy)
}

func TestClusterAdminWildcardsAndAnOpenNamespaceFail(t *testing.T) {
	crb := resource(t, "app-admin", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", `
metadata: {name: app-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: app, namespace: shop}]
`)
	role := resource(t, "everything", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", `
metadata: {name: vendor-operator}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
`)
	ns := resource(t, "open", "kubernetes:core/v1:Namespace", `
metadata: {name: open, labels: {pod-security.kubernetes.io/enforce: baseline}}
`)
	got := violations(t, defaults(), crb, role, ns)
	urns := func(policy string) []string {
		var out []string
		for _, v := range got[policy] {
			out = append(out, v.URN)
		}
		return out
	}
	assert.Contains(t, urns("rbac-cluster-admin-binding"), crb.URN)
	assert.Contains(t, urns("rbac-no-wildcards"), role.URN)
	assert.Contains(t, urns("namespace-pod-security"), ns.URN)
	assert.Contains(t, urns("network-default-deny"), ns.URN)
}

func TestIdentityFirstInTheControlPlaneFilesFailsEncryptionAtRest(t *testing.T) {
	fileSet, err := os.ReadFile("../controls/testdata/encryption-at-rest/fail/identity-first.yaml")
	require.NoError(t, err)
	files := jsonProperty([]any{
		map[string]any{"path": "/etc/kubernetes/kubeadm-config.yaml", "mode": "0600", "content": string(fileSet)},
		map[string]any{"path": "/etc/kubernetes/pki/ca.crt", "mode": "0644", "content": "not YAML, and not read"},
	})
	cp := policyx.AnalyzerResource{URN: "urn:pulumi:dev::kubeharden::" + contract.ControlPlaneType + "::cp",
		Type: contract.ControlPlaneType, Properties: property.NewMap(map[string]property.Value{"sensitiveFiles": files.WithSecret(true)})}
	got := violations(t, defaults(), cp)
	require.NotEmpty(t, got["encryption-at-rest"])
	assert.Equal(t, cp.URN, got["encryption-at-rest"][0].URN)
	assert.Contains(t, got["encryption-at-rest"][0].Message, "identity")
	assert.NotContains(t, got, InputsPolicy)
}

func TestWhatIsNotKnownYetIsNeverPassed(t *testing.T) {
	d := resource(t, "web", "kubernetes:apps/v1:Deployment", `{metadata: {name: web, namespace: shop}}`)
	spec := property.NewMap(map[string]property.Value{"template": property.New(property.Computed)})
	d.Properties = d.Properties.Set("spec", property.New(spec))
	d.Properties = d.Properties.Set("status", property.New(property.Computed)) // the cluster's: not a reason
	got := violations(t, defaults(), d)
	require.Len(t, got[InputsPolicy], 1)
	assert.Equal(t, d.URN, got[InputsPolicy][0].URN)
	assert.Contains(t, got[InputsPolicy][0].Message, "spec.template")
	assert.NotContains(t, got[InputsPolicy][0].Message, "status")

	// A document that does not fit its type is unjudged too, not skipped.
	bad := resource(t, "bad", "kubernetes:apps/v1:Deployment", `{metadata: {name: bad}, spec: {replicas: many}}`)
	got = violations(t, defaults(), bad)
	require.Len(t, got[InputsPolicy], 1)
	assert.Equal(t, bad.URN, got[InputsPolicy][0].URN)
}

func TestTheStackProfileGivesTheExemptions(t *testing.T) {
	profile := `{"tenants":[{"name":"team-a"}]}`
	opts, err := StackOptions(func(key string) string {
		if key == "kubeharden:profile" {
			return profile
		}
		return ""
	}, t.TempDir())
	require.NoError(t, err)
	role := resource(t, "admin", "kubernetes:rbac.authorization.k8s.io/v1:Role", `
metadata: {name: "kubeharden:namespace-admin", namespace: team-a}
rules: [{apiGroups: [""], resources: [secrets, pods/exec], verbs: [get, create]}]
`)
	assert.NotContains(t, violations(t, opts, role), "rbac-secrets-access")
	assert.Contains(t, violations(t, defaults(), role), "rbac-secrets-access")

	_, err = StackOptions(func(key string) string {
		if key == "kubeharden:profile" {
			return `{"podSecurity":{"enforce":"sometimes"}}`
		}
		return ""
	}, t.TempDir())
	assert.ErrorContains(t, err, "podSecurity.enforce")
}

func TestEveryControlIsAPolicyAndTheMandatoryOnesExist(t *testing.T) {
	pack, err := New(defaults())
	require.NoError(t, err)
	names := map[string]policyx.EnforcementLevel{}
	for _, p := range pack.Policies() {
		names[p.Name()] = p.EnforcementLevel()
	}
	for _, c := range controls.DefaultControls() {
		assert.Contains(t, names, c.ID)
	}
	for _, id := range controls.Mandatory(controls.DefaultControls()) {
		assert.Equal(t, policyx.EnforcementLevelMandatory, names[id], id)
	}
	assert.Equal(t, policyx.EnforcementLevelMandatory, names[InputsPolicy])
	assert.Equal(t, policyx.EnforcementLevelAdvisory, names["service-exposure"])
	assert.Len(t, names, len(controls.DefaultControls())+1)
}

// TestTheMandatoryPoliciesAreTheREADMEs: the README promises which policies stop a preview; the pack's
// mandatory policies are exactly those, so a control dropped from (or added to) the mandatory list
// without the promise changing fails here.
func TestTheMandatoryPoliciesAreTheREADMEs(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	text := string(readme)
	start := strings.Index(text, "- **Mandatory** (stop the preview):")
	require.GreaterOrEqual(t, start, 0, "the README's list of mandatory policies")
	end := strings.Index(text[start:], "**Advisory**")
	require.Positive(t, end)
	var promised []string
	for _, m := range regexp.MustCompile("`([a-z0-9-]+)`").FindAllStringSubmatch(text[start:start+end], -1) {
		promised = append(promised, m[1])
	}
	require.Len(t, promised, 13, "the README names twelve controls and the inputs policy")

	pack, err := New(defaults())
	require.NoError(t, err)
	var mandatory []string
	for _, p := range pack.Policies() {
		if p.EnforcementLevel() == policyx.EnforcementLevelMandatory {
			mandatory = append(mandatory, p.Name())
		}
	}
	assert.ElementsMatch(t, promised, mandatory)
}

// TestThePackJudgesEachStackItIsGiven: one pack, as the engine keeps it, given one stack's resources after
// another (of the same length, then fewer, then more) judges each one, never the one before.
func TestThePackJudgesEachStackItIsGiven(t *testing.T) {
	pack, err := New(defaults())
	require.NoError(t, err)
	var policy policyx.StackValidationPolicy
	for _, p := range pack.Policies() {
		if p.Name() == "namespace-pod-security" {
			policy = p.(policyx.StackValidationPolicy)
		}
	}
	require.NotNil(t, policy)
	hardened := resource(t, "shop", "kubernetes:core/v1:Namespace", hardenedNamespace)
	bare := resource(t, "bare", "kubernetes:core/v1:Namespace", "metadata: {name: bare}")
	for _, tc := range []struct {
		name      string
		resources []policyx.AnalyzerResource
		want      int
	}{
		{"a hardened namespace", []policyx.AnalyzerResource{hardened}, 0},
		{"an unlabelled one in its place", []policyx.AnalyzerResource{bare}, 1},
		{"nothing", nil, 0},
		{"both", []policyx.AnalyzerResource{hardened, bare}, 1},
		{"the hardened one again", []policyx.AnalyzerResource{hardened}, 0},
		{"nothing, twice", nil, 0},
		{"nothing, again", []policyx.AnalyzerResource{}, 0},
	} {
		m := &recorder{}
		require.NoError(t, policy.Validate(context.Background(), policyx.StackValidationArgs{Manager: m, Resources: tc.resources}))
		assert.Len(t, m.got, tc.want, "%s: %v", tc.name, m.got)
	}
}

// TestAFreshPackJudgesAnEmptyStack: the first stack a pack is given may hold nothing.
func TestAFreshPackJudgesAnEmptyStack(t *testing.T) {
	for range 2 {
		assert.Empty(t, violations(t, defaults()))
	}
}

// TestAPolicyNamesItsSources: each policy's description is the control's title and the sources it cites,
// the CIS and kubescape ids only where the control has them.
func TestAPolicyNamesItsSources(t *testing.T) {
	pack, err := New(defaults())
	require.NoError(t, err)
	described := map[string]string{}
	for _, p := range pack.Policies() {
		described[p.Name()] = p.Description()
	}
	for _, c := range controls.DefaultControls() {
		want := c.Title + " (NSA/CISA: " + c.Guide
		if c.CIS != "" {
			want += "; CIS " + c.CIS
		}
		if c.Kubescape != "" {
			want += "; kubescape " + c.Kubescape
		}
		assert.Equal(t, want+")", described[c.ID], c.ID)
	}
	assert.Contains(t, described["namespace-pod-security"], "; CIS ")
	assert.Contains(t, described["namespace-pod-security"], "; kubescape C-")
	assert.NotContains(t, described["log-collection"], "; CIS")
}

// TestOnlyANamespaceIsHeldToTheProfilesLevel: an object of another kind that bears a profiled
// namespace's name is not read as that namespace.
func TestOnlyANamespaceIsHeldToTheProfilesLevel(t *testing.T) {
	opts := defaults()
	opts.PodSecurityLevels = map[string]string{"shop": "restricted"}
	cm := resource(t, "shop", "kubernetes:core/v1:ConfigMap", "metadata: {name: shop, namespace: shop}\ndata: {a: b}")
	ns := resource(t, "shop", "kubernetes:core/v1:Namespace", hardenedNamespace)
	assert.Empty(t, violations(t, opts, ns, cm)["namespace-pod-security"])
	weak := resource(t, "shop", "kubernetes:core/v1:Namespace", "metadata: {name: shop, labels: {pod-security.kubernetes.io/enforce: baseline}}")
	assert.NotEmpty(t, violations(t, opts, weak, cm)["namespace-pod-security"])
}

func TestANamespaceWeakerThanItsProfileFails(t *testing.T) {
	opts, err := StackOptions(func(key string) string {
		if key == "kubeharden:profile" {
			return `{"tenants":[{"name":"team-a"},{"name":"legacy","podSecurity":{"enforce":"baseline","exemptionReason":"runs a vendor agent as root; SEC-9"}}]}`
		}
		return ""
	}, t.TempDir())
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team-a": "restricted", "legacy": "baseline"}, opts.PodSecurityLevels, "logging is off by default")

	namespace := func(name, level string) policyx.AnalyzerResource {
		return resource(t, name, "kubernetes:core/v1:Namespace", `
metadata:
  name: `+name+`
  labels: {pod-security.kubernetes.io/enforce: `+level+`, pod-security.kubernetes.io/enforce-version: v1.36}
  annotations: {kubeharden.io/pod-security-exemption-reason: "a reason the catalog accepts"}
`)
	}
	weakened, asSaid := namespace("team-a", "baseline"), namespace("legacy", "baseline")
	got := violations(t, opts, weakened, asSaid)
	require.Len(t, got["namespace-pod-security"], 1, "the catalog passes both for their reasons; the profile says team-a is restricted")
	assert.Equal(t, weakened.URN, got["namespace-pod-security"][0].URN)
	assert.Contains(t, got["namespace-pod-security"][0].Message, `enforces "baseline", weaker than the restricted its profile says`)
}

// TestAPatchMeetsItsOwnObject: among several namespaces, a patch is laid over the one it names, the
// first or the last: a patch that lowers the second namespace's level fails that namespace, not the
// first; a patch that labels the first, unlabelled, namespace passes it.
func TestAPatchMeetsItsOwnObject(t *testing.T) {
	first := resource(t, "a", "kubernetes:core/v1:Namespace", "metadata: {name: a}")
	second := resource(t, "b", "kubernetes:core/v1:Namespace", strings.ReplaceAll(hardenedNamespace, "name: shop", "name: b"))
	lower := resource(t, "b-relabel", "kubernetes:core/v1:NamespacePatch", "metadata: {name: b, labels: {pod-security.kubernetes.io/enforce: privileged}}")
	label := resource(t, "a-label", "kubernetes:core/v1:NamespacePatch", strings.ReplaceAll(hardenedNamespace, "name: shop", "name: a"))

	got := violations(t, defaults(), first, second, lower, label)["namespace-pod-security"]
	require.Len(t, got, 1, "%v", got)
	assert.Equal(t, lower.URN, got[0].URN)
	assert.Contains(t, got[0].Message, "Namespace/b ")
}

// TestComponentResourcesAreNotObjects: the provider's own components (a Helm chart, a YAML config group,
// a kustomization) are not objects to judge, even where their outputs are not known until the update;
// the objects they make are resources of their own in the same preview.
func TestComponentResourcesAreNotObjects(t *testing.T) {
	for _, typ := range []string{"kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigGroup", "kubernetes:kustomize/v2:Directory"} {
		in := preview.NewInputs([]preview.Resource{{URN: "urn:c", Type: typ, Properties: map[string]any{"resources": preview.Unknown{}}}})
		assert.Empty(t, in.Sources, typ)
		assert.Empty(t, in.Unreadable, typ)
	}
}

func TestAPatchIsJudgedAsWhatItMakesOfItsObject(t *testing.T) {
	ns := resource(t, "shop", "kubernetes:core/v1:Namespace", hardenedNamespace)
	patch := resource(t, "shop-relabel", "kubernetes:core/v1:NamespacePatch", `
metadata: {name: shop, labels: {pod-security.kubernetes.io/enforce: privileged}}
`)
	got := violations(t, defaults(), ns, patch)
	require.NotEmpty(t, got["namespace-pod-security"])
	assert.Equal(t, patch.URN, got["namespace-pod-security"][0].URN, "the patch is what weakens it")
	assert.Contains(t, got["namespace-pod-security"][0].Message, "enforces privileged")

	// A patch of an object the preview does not hold is judged by the fields it sets.
	var sa map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(`{metadata: {name: default, namespace: shop}, automountServiceAccountToken: false}`), &sa))
	in := preview.NewInputs([]preview.Resource{{URN: "urn:default-sa", Type: "kubernetes:core/v1:ServiceAccountPatch", Properties: sa}})
	require.Len(t, in.Sources, 1)
	assert.Contains(t, string(in.Sources[0].Data), `"kind":"ServiceAccount"`)
}

// TestThePackWritesItsReportOrFails: with a report file, the verdict is written there as `kubeharden check
// -o json` writes one, the unjudged resources among its errors, ordered by URN; a report file that cannot
// be written fails the policy, it is not skipped.
func TestThePackWritesItsReportOrFails(t *testing.T) {
	opts := defaults()
	opts.ReportFile = filepath.Join(t.TempDir(), "report.json")
	unknown := func(name string) policyx.AnalyzerResource {
		d := resource(t, name, "kubernetes:apps/v1:Deployment", "{metadata: {name: "+name+", namespace: shop}}")
		d.Properties = d.Properties.Set("spec", property.New(property.Computed))
		return d
	}
	got := violations(t, opts, unknown("web-b"), unknown("web-a"))
	require.Len(t, got[InputsPolicy], 2)
	assert.Less(t, got[InputsPolicy][0].URN, got[InputsPolicy][1].URN, "the unjudged in order of their URNs")
	data, err := os.ReadFile(opts.ReportFile)
	require.NoError(t, err)
	var report report.Report
	require.NoError(t, json.Unmarshal(data, &report))
	assert.Len(t, report.Errors, 2)

	opts.ReportFile = filepath.Join(t.TempDir(), "missing", "report.json")
	pack, err := New(opts)
	require.NoError(t, err)
	for _, p := range pack.Policies() {
		err := p.(policyx.StackValidationPolicy).Validate(context.Background(), policyx.StackValidationArgs{Manager: &recorder{}, Resources: []policyx.AnalyzerResource{unknown("web")}})
		assert.ErrorContains(t, err, "policy pack kubeharden", p.Name())
	}
}

// TestStackOptionsRefuseABadProfile: the stack's profile is resolved as `pulumi up` resolves it;
// one that is invalid, or a profile file that is not there, is an error naming it.
func TestStackOptionsRefuseABadProfile(t *testing.T) {
	get := func(values map[string]string) func(string) string {
		return func(key string) string { return values[key] }
	}
	_, err := StackOptions(get(map[string]string{"kubeharden:profile": `{"podSecurity":{"enforce":"sometimes"}}`}), t.TempDir())
	assert.ErrorContains(t, err, "podSecurity.enforce")
	_, err = StackOptions(get(map[string]string{"kubeharden:profile": `"a string"`}), t.TempDir())
	assert.ErrorContains(t, err, "stack config kubeharden:profile")
	opts, err := StackOptions(get(map[string]string{"kubeharden:profile": `{"tenants":[{"name":"team-a"}]}`}), t.TempDir())
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team-a": "restricted"}, opts.PodSecurityLevels)
}

// jsonProperty is a JSON value (as encoding/json decodes one) as a property value, as the engine gives
// it to a policy; the engine's unknown sentinel string is a value not yet known.
func jsonProperty(v any) property.Value {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]property.Value, len(v))
		for k, e := range v {
			m[k] = jsonProperty(e)
		}
		return property.New(property.NewMap(m))
	case []any:
		a := make([]property.Value, len(v))
		for i, e := range v {
			a[i] = jsonProperty(e)
		}
		return property.New(property.NewArray(a))
	case string:
		if v == plugin.UnknownStringValue {
			return property.New(property.Computed)
		}
		return property.New(v)
	case bool:
		return property.New(v)
	case float64:
		return property.New(v)
	}
	return property.Value{} // null
}
