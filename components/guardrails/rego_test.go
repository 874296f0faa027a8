package guardrails

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/config"
)

// violations evaluates one template's Rego, with the shared library, on an object, the way Gatekeeper
// calls it (input.review.object, input.parameters), and returns the messages.
func violations(t *testing.T, tmpl Template, obj map[string]any) []string {
	t.Helper()
	lib, err := regoSource("lib.rego")
	require.NoError(t, err)
	src, err := regoSource(tmpl.File)
	require.NoError(t, err)
	pkg := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(strings.SplitN(src, "package ", 2)[1], "\n", 2)[0], ""))
	params := tmpl.Parameters
	if params == nil {
		params = map[string]any{}
	}
	// Through JSON, as the admission review arrives.
	raw, err := json.Marshal(map[string]any{"review": map[string]any{"object": obj}, "parameters": params})
	require.NoError(t, err)
	var input map[string]any
	require.NoError(t, json.Unmarshal(raw, &input))

	rs, err := rego.New(
		rego.Query("data."+pkg+".violation"),
		rego.Module("lib.rego", lib),
		rego.Module(tmpl.File, src),
		rego.Input(input),
	).Eval(context.Background())
	require.NoError(t, err)
	require.Len(t, rs, 1)
	var msgs []string
	for _, v := range rs[0].Expressions[0].Value.([]any) {
		msgs = append(msgs, v.(map[string]any)["msg"].(string))
	}
	return msgs
}

// ruleGuardrails is the profile's guardrails section that ruleCases are judged under.
var ruleGuardrails = config.Guardrails{AllowedRegistries: []string{"registry.k8s.io", "ghcr.io/kubeharden"}}

func templateFor(t *testing.T, rule string) Template {
	t.Helper()
	for _, tmpl := range Templates(ruleGuardrails) {
		if tmpl.Rule == rule {
			return tmpl
		}
	}
	t.Fatalf("no template for %s", rule)
	return Template{}
}

func pod(image string, change func(spec map[string]any)) map[string]any {
	spec := map[string]any{
		"serviceAccountName": "app",
		"containers": []any{map[string]any{
			"name": "app", "image": image,
			"resources": map[string]any{"limits": map[string]any{"cpu": "200m", "memory": "128Mi"}},
		}},
	}
	if change != nil {
		change(spec)
	}
	return map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "app"}, "spec": spec}
}

func workload(kind string, p map[string]any) map[string]any {
	template := map[string]any{"spec": p["spec"]}
	if kind == "CronJob" {
		return map[string]any{"kind": kind, "spec": map[string]any{"jobTemplate": map[string]any{"spec": map[string]any{"template": template}}}}
	}
	return map[string]any{"kind": kind, "spec": map[string]any{"template": template}}
}

// ruleCase is an object, the rule that judges it and the messages the Gatekeeper rule gives (nil when it
// is allowed); the native policies judge the same cases (cel_test.go).
type ruleCase struct {
	name string
	rule string
	obj  map[string]any
	want []string // messages; nil when allowed
}

// ruleCases are the cases of the guardrails other than Pod Security's, for a profile that allows
// registry.k8s.io and ghcr.io/kubeharden.
func ruleCases() []ruleCase {
	good := "registry.k8s.io/pause:3.10"
	return []ruleCase{
		{"allowed registry", "allowedRegistries", pod(good, nil), nil},
		{"allowed registry path", "allowedRegistries", pod("ghcr.io/kubeharden/agent:1.2", nil), nil},
		{"foreign registry", "allowedRegistries", pod("docker.io/library/nginx:1.27", nil),
			[]string{"image docker.io/library/nginx:1.27 is not from an allowed registry (registry.k8s.io, ghcr.io/kubeharden)"}},
		{"registry prefix trick", "allowedRegistries", pod("registry.k8s.io.evil.example/pause:3.10", nil),
			[]string{"image registry.k8s.io.evil.example/pause:3.10 is not from an allowed registry (registry.k8s.io, ghcr.io/kubeharden)"}},
		{"foreign init container in a deployment", "allowedRegistries", workload("Deployment", pod(good, func(s map[string]any) {
			s["initContainers"] = []any{map[string]any{"name": "init", "image": "quay.io/x/y:1"}}
		})), []string{"image quay.io/x/y:1 is not from an allowed registry (registry.k8s.io, ghcr.io/kubeharden)"}},
		{"version tag", "imageTag", pod(good, nil), nil},
		{"digest", "imageTag", pod("registry.k8s.io/pause@sha256:"+strings.Repeat("a", 64), nil), nil},
		{"latest", "imageTag", pod("registry.k8s.io/pause:latest", nil), []string{"image registry.k8s.io/pause:latest needs a version tag other than latest, or a digest"}},
		{"untagged", "imageTag", pod("registry.k8s.io/pause", nil), []string{"image registry.k8s.io/pause needs a version tag other than latest, or a digest"}},
		{"registry port is no tag", "imageTag", pod("10.0.0.5:5000/app", nil), []string{"image 10.0.0.5:5000/app needs a version tag other than latest, or a digest"}},
		{"latest in a cron job", "imageTag", workload("CronJob", pod("ghcr.io/kubeharden/job:latest", nil)),
			[]string{"image ghcr.io/kubeharden/job:latest needs a version tag other than latest, or a digest"}},
		{"limits set", "resourceLimits", pod(good, nil), nil},
		{"no limits", "resourceLimits", pod(good, func(s map[string]any) { s["containers"].([]any)[0].(map[string]any)["resources"] = map[string]any{} }),
			[]string{"container app has no cpu limit", "container app has no memory limit"}},
		{"no memory limit in a statefulset", "resourceLimits", workload("StatefulSet", pod(good, func(s map[string]any) {
			s["containers"].([]any)[0].(map[string]any)["resources"] = map[string]any{"limits": map[string]any{"cpu": "1"}}
		})), []string{"container app has no memory limit"}},
		{"own service account", "serviceAccount", pod(good, nil), nil},
		{"default service account", "serviceAccount", pod(good, func(s map[string]any) { s["serviceAccountName"] = "default" }),
			[]string{"workloads run as a ServiceAccount of their own, never the namespace's default one"}},
		{"no service account in a job", "serviceAccount", workload("Job", pod(good, func(s map[string]any) { delete(s, "serviceAccountName") })),
			[]string{"workloads run as a ServiceAccount of their own, never the namespace's default one"}},
		{"ClusterIP service", "serviceType", map[string]any{"kind": "Service", "spec": map[string]any{"type": "ClusterIP"}}, nil},
		{"service without a type", "serviceType", map[string]any{"kind": "Service", "spec": map[string]any{}}, nil},
		{"NodePort service", "serviceType", map[string]any{"kind": "Service", "spec": map[string]any{"type": "NodePort"}},
			[]string{"Services of type NodePort expose the nodes; tenants may not create them"}},
		{"LoadBalancer service", "serviceType", map[string]any{"kind": "Service", "spec": map[string]any{"type": "LoadBalancer"}},
			[]string{"Services of type LoadBalancer expose the nodes; tenants may not create them"}},
	}
}

func TestRegoRulesAllowAndRefuse(t *testing.T) {
	cases := ruleCases()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := violations(t, templateFor(t, tc.rule), tc.obj)
			assert.ElementsMatch(t, tc.want, got)
		})
	}
}

func TestTemplatesFollowTheProfile(t *testing.T) {
	g := config.Guardrails{AllowNodePorts: true, AllowLoadBalancers: true}
	var rules []string
	for _, tmpl := range Templates(g) {
		rules = append(rules, tmpl.Rule)
	}
	assert.Equal(t, []string{"imageTag", "resourceLimits", "serviceAccount", config.PodSecurityTemplatesRule, config.PodSecurityTemplatesRule}, rules, "no registry rule without registries, no Service rule when both types are allowed")
	assert.Equal(t, "dryrun", EnforcementAction("Audit"))
	assert.Equal(t, "warn", EnforcementAction("Warn"))
	assert.Equal(t, "deny", EnforcementAction("Deny"))
}
