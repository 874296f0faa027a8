package guardrails

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/apiserver/pkg/cel/environment"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/kubeharden/kubeharden/tests/podsecurity"
)

// celEnv is the API server's own CEL environment for expressions it stores (its libraries: optionals,
// strings, lists, regex, quantities ...) at the newest Kubernetes version kubeharden supports, with the
// variables a ValidatingAdmissionPolicy's expressions see. Its objects are dynamically typed, as the
// guardrails' expressions must be: they match several kinds with one expression.
var celEnv = sync.OnceValues(func() (*cel.Env, error) {
	set, err := environment.MustBaseEnvSet(version.MajorMinor(1, 36)).Extend(environment.VersionedOptions{
		IntroducedVersion: version.MajorMinor(1, 0),
		EnvOptions: []cel.EnvOption{
			cel.Variable("object", cel.DynType),
			cel.Variable("namespaceObject", cel.DynType),
			cel.Variable("variables", cel.MapType(cel.StringType, cel.DynType)),
		},
	})
	if err != nil {
		return nil, err
	}
	return set.Env(environment.StoredExpressions)
})

// celPrograms are the expressions compiled so far, each once.
var celPrograms sync.Map // string -> cel.Program

// celEval compiles (once) and evaluates one expression.
func celEval(t *testing.T, expr string, activation map[string]any) ref.Val {
	t.Helper()
	prg, ok := celPrograms.Load(expr)
	if !ok {
		env, err := celEnv()
		require.NoError(t, err)
		ast, iss := env.Compile(expr)
		require.NoError(t, iss.Err(), "compiling %s", expr)
		compiled, err := env.Program(ast)
		require.NoError(t, err)
		prg, _ = celPrograms.LoadOrStore(expr, compiled)
	}
	out, _, err := prg.(cel.Program).Eval(activation)
	require.NoError(t, err, "evaluating %s", expr)
	return out
}

// celAdmits evaluates a native policy as the API server does: its variables in order, each seeing the
// ones before it, then its validations; it returns whether the object is admitted and the messages of
// the validations that fail.
func celAdmits(t *testing.T, p Policy, object, namespace map[string]any) (bool, []string) {
	t.Helper()
	// Through JSON, as an admission request carries the object; integers stay integers.
	var obj any = object
	raw, err := json.Marshal(object)
	require.NoError(t, err)
	var u map[string]any
	require.NoError(t, json.Unmarshal(raw, &u))
	obj = runtime.DeepCopyJSON(u)
	vars := map[string]any{}
	activation := map[string]any{"object": obj, "namespaceObject": namespace, "variables": vars}
	for _, v := range p.Variables {
		vars[v[0]] = celEval(t, v[1], activation)
	}
	admitted := true
	var msgs []string
	for _, v := range p.Validations {
		ok := celEval(t, v.Expression, activation)
		require.Equal(t, types.BoolType, ok.Type(), "%s: %s", p.Name, v.Expression)
		if ok == types.True {
			continue
		}
		admitted = false
		msg := celEval(t, v.MessageExpression, activation)
		require.Equal(t, types.StringType, msg.Type())
		msgs = append(msgs, msg.Value().(string))
	}
	return admitted, msgs
}

// nativePolicy is the native policy of a rule for the profile of ruleCases.
func nativePolicy(t *testing.T, rule string) Policy {
	t.Helper()
	for _, p := range Policies(ruleGuardrails) {
		if p.Rule == rule {
			return p
		}
	}
	t.Fatalf("no policy for %s", rule)
	return Policy{}
}

// TestNativePoliciesAllowAndRefuse: every case of the Gatekeeper rules, judged by the native policy's CEL
// in the API server's CEL environment: refused exactly when the Rego refuses it, with a message that
// names what the Rego names (the image, the container, the Service type).
func TestNativePoliciesAllowAndRefuse(t *testing.T) {
	quoted := regexp.MustCompile(`(?:image|container|type) (\S+)`)
	for _, tc := range ruleCases() {
		t.Run(tc.name, func(t *testing.T) {
			admitted, msgs := celAdmits(t, nativePolicy(t, tc.rule), tc.obj, nil)
			assert.Equal(t, tc.want == nil, admitted, "%q", msgs)
			for _, w := range tc.want {
				if m := quoted.FindStringSubmatch(w); m != nil {
					assert.Contains(t, strings.Join(msgs, "\n"), m[1], "the native policy names what the Rego names")
				}
			}
		})
	}
}

// TestNativePoliciesJudgeEveryContainerOfEveryKind: an offending init container, in each kind the
// policies match, is refused by each container policy.
func TestNativePoliciesJudgeEveryContainerOfEveryKind(t *testing.T) {
	good := "registry.k8s.io/pause:3.10"
	for rule, bad := range map[string]map[string]any{
		"allowedRegistries": {"name": "init", "image": "docker.io/x/y:1", "resources": map[string]any{"limits": map[string]any{"cpu": "1", "memory": "1Mi"}}},
		"imageTag":          {"name": "init", "image": "registry.k8s.io/x:latest", "resources": map[string]any{"limits": map[string]any{"cpu": "1", "memory": "1Mi"}}},
		"resourceLimits":    {"name": "init", "image": good, "resources": map[string]any{"limits": map[string]any{"cpu": "1"}}},
	} {
		p := nativePolicy(t, rule)
		for _, kind := range []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "ReplicationController"} {
			clean := pod(good, nil)
			withInit := pod(good, func(s map[string]any) { s["initContainers"] = []any{bad} })
			if kind != "Pod" {
				clean, withInit = workload(kind, clean), workload(kind, withInit)
			}
			ok, msgs := celAdmits(t, p, clean, nil)
			assert.True(t, ok, "%s: a clean %s: %q", rule, kind, msgs)
			ok, msgs = celAdmits(t, p, withInit, nil)
			assert.False(t, ok, "%s: a %s whose init container breaks the rule", rule, kind)
			assert.Contains(t, strings.Join(msgs, ""), map[bool]string{true: "init", false: bad["image"].(string)}[rule == "resourceLimits"])
		}
	}
}

// namespaceAt is a namespace object that enforces level ("" for none).
func namespaceAt(level string) map[string]any {
	labels := map[string]any{}
	if level != "" {
		labels[psaapi.EnforceLevelLabel] = level
	}
	return map[string]any{"metadata": map[string]any{"name": "team", "labels": labels}}
}

// templateObject is a workload of kind whose pod template is the case's.
func templateObject(t *testing.T, kind string, c podsecurity.Case) map[string]any {
	t.Helper()
	template := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Annotations: c.Annotations}, Spec: c.Spec}
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&template)
	require.NoError(t, err)
	switch kind {
	case "CronJob":
		return map[string]any{"kind": kind, "spec": map[string]any{"jobTemplate": map[string]any{"spec": map[string]any{"template": u}}}}
	case "PodTemplate":
		return map[string]any{"kind": kind, "template": u}
	}
	return map[string]any{"kind": kind, "spec": map[string]any{"template": u}}
}

// celAgreesWithPodSecurity asserts, for each case at baseline and at restricted, that the native pod
// security policy refuses its template exactly when Pod Security admission refuses it as a pod, naming
// each of Pod Security's reasons, and returns how many refusals there were.
func celAgreesWithPodSecurity(t *testing.T, cases []podsecurity.Case, kind string) int {
	t.Helper()
	p := podSecurityPolicy()
	refused := 0
	for _, level := range []psaapi.Level{psaapi.LevelBaseline, psaapi.LevelRestricted} {
		for _, c := range cases {
			allowed, reasons := podsecurity.Allows(level, c)
			admitted, msgs := celAdmits(t, p, templateObject(t, kind, c), namespaceAt(string(level)))
			if !assert.Equal(t, allowed, admitted, "%s %s at %s: Pod Security %s, the policy said %q", kind, c.Name, level, podsecurity.Describe(allowed, reasons), msgs) {
				continue
			}
			if !allowed {
				refused++
				require.Len(t, msgs, 1)
				assert.Contains(t, msgs[0], `violates PodSecurity "`+string(level)+`"`)
			}
			for _, r := range reasons {
				assert.Contains(t, strings.Join(msgs, ""), "("+r+")", "%s at %s: Pod Security refuses it for %q, which the policy does not name", c.Name, level, r)
			}
		}
	}
	return refused
}

// TestNativePodSecurityAgreesWithPodSecurityAdmission: on every case, in a Deployment and in the kinds
// whose template sits elsewhere, the native policy's CEL refuses what k8s.io/pod-security-admission
// refuses as a pod, for the same reasons. The cases need no corpus.
func TestNativePodSecurityAgreesWithPodSecurityAdmission(t *testing.T) {
	cases := podsecurity.Cases()
	for _, kind := range []string{"Deployment", "CronJob", "PodTemplate"} {
		refused := celAgreesWithPodSecurity(t, cases, kind)
		assert.Greater(t, refused, len(cases)/2, kind)
	}
}

// TestNativePodSecurityAgreesOnTheCorpus: the same on every pod template of the real-world corpus.
func TestNativePodSecurityAgreesOnTheCorpus(t *testing.T) {
	corpus := podsecurity.CorpusTemplates(t)
	refused := celAgreesWithPodSecurity(t, corpus, "Deployment")
	assert.Greater(t, refused, 50)
	t.Logf("%d corpus templates at two levels: %d refusals, every one as Pod Security's", len(corpus), refused)
}

// TestNativePodSecurityReadsTheNamespacesLevel: a namespace that enforces baseline holds a template to
// baseline only; one with no level, or a level that is not one, to restricted, as Pod Security reads it.
func TestNativePodSecurityReadsTheNamespacesLevel(t *testing.T) {
	root := podsecurity.Case{Name: "root", Spec: podsecurity.Restricted()}
	root.Spec.SecurityContext.RunAsNonRoot = nil
	root.Spec.SecurityContext.RunAsUser = nil
	p := podSecurityPolicy()
	for level, want := range map[string]bool{"baseline": true, "restricted": false, "": false, "sometimes": false} {
		admitted, msgs := celAdmits(t, p, templateObject(t, "Deployment", root), namespaceAt(level))
		assert.Equal(t, want, admitted, "enforce %q: %q", level, msgs)
	}
	admitted, _ := celAdmits(t, p, templateObject(t, "Deployment", root), map[string]any{"metadata": map[string]any{"name": "team"}})
	assert.False(t, admitted, "a namespace with no labels at all is held to restricted")
}
