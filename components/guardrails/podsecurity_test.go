package guardrails

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/tests/podsecurity"
)

// TestTemplateChecksAreEveryPodSecurityCheck: the template checks are Pod Security's own checks, one for
// one, each at its level. A check that Pod Security adds in a new release fails this test until it is
// written for templates too.
func TestTemplateChecksAreEveryPodSecurityCheck(t *testing.T) {
	want := map[string]psaapi.Level{}
	for _, c := range policy.DefaultChecks() {
		want[string(c.ID)] = c.Level
	}
	got := map[string]psaapi.Level{}
	for _, c := range TemplateChecks() {
		got[c.ID] = c.Level
		assert.NotEmpty(t, c.Expression, c.ID)
		assert.Contains(t, c.Message, "variables.where", "%s: the message names the field", c.ID)
	}
	assert.Equal(t, want, got)
}

// TestPodSecurityPolicyReadsTheNamespacesLevel: one native policy for templates only (Pod Security
// admission judges pods itself), bound everywhere but privileged namespaces, applying restricted's
// checks only where the namespace enforces restricted or no valid level, and naming every failing check.
func TestPodSecurityPolicyReadsTheNamespacesLevel(t *testing.T) {
	var found []Policy
	for _, p := range Policies(config.Guardrails{}) {
		if p.Rule == config.PodSecurityTemplatesRule {
			found = append(found, p)
		}
	}
	require.Len(t, found, 1)
	p := found[0]
	assert.Equal(t, PodSecurityPolicyName, p.Name)
	for _, m := range p.Match {
		assert.NotContains(t, m.Resources, "pods", "Pod Security admission judges pods itself")
	}
	assert.Equal(t, []string{"privileged"}, p.ExceptLevels)
	require.Len(t, p.Validations, 1)
	for _, c := range TemplateChecks() {
		assert.Contains(t, p.Validations[0].Expression, c.Expression, c.ID)
		assert.Contains(t, p.Validations[0].MessageExpression, "'("+c.Reason+"): ' + "+c.Message, c.ID)
		if c.Level == psaapi.LevelRestricted {
			assert.Contains(t, p.Validations[0].Expression, "(!variables.restricted || ("+c.Expression+"))", "%s applies only at restricted", c.ID)
		}
	}
}

// regoPodSecurity runs the Gatekeeper pod security rules that a namespace enforcing level gets, on a
// workload of kind with the case's template, and returns their messages.
func regoPodSecurity(t *testing.T, level psaapi.Level, kind string, c podsecurity.Case) []string {
	t.Helper()
	template := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Annotations: c.Annotations}, Spec: c.Spec}
	raw, err := json.Marshal(template)
	require.NoError(t, err)
	var tmpl map[string]any
	require.NoError(t, json.Unmarshal(raw, &tmpl))
	obj := map[string]any{"kind": kind, "spec": map[string]any{"template": tmpl}}
	switch kind {
	case "CronJob":
		obj["spec"] = map[string]any{"jobTemplate": map[string]any{"spec": map[string]any{"template": tmpl}}}
	case "PodTemplate":
		obj = map[string]any{"kind": kind, "template": tmpl}
	}
	var msgs []string
	for _, tmpl := range Templates(config.Guardrails{}) {
		if tmpl.Rule != config.PodSecurityTemplatesRule || slices.Contains(tmpl.ExceptLevels, string(level)) {
			continue
		}
		msgs = append(msgs, violations(t, tmpl, obj)...)
	}
	return msgs
}

// TestRegoPodSecurityAgreesWithPodSecurityAdmission: on every case, at baseline and at restricted, the
// Gatekeeper rules refuse exactly what k8s.io/pod-security-admission's evaluator refuses as a pod, and
// name its reasons. The cases need no corpus.
func TestRegoPodSecurityAgreesWithPodSecurityAdmission(t *testing.T) {
	cases := podsecurity.Cases()
	refused := regoAgreesWithPodSecurity(t, cases)
	assert.Greater(t, refused, len(cases)/2, "most cases break a check at one level or the other")
	t.Logf("%d cases at two levels: %d refusals, every one as Pod Security's", len(cases), refused)
}

// TestRegoPodSecurityAgreesOnTheCorpus: the same on every pod template of the real-world corpus.
func TestRegoPodSecurityAgreesOnTheCorpus(t *testing.T) {
	corpus := podsecurity.CorpusTemplates(t)
	require.Greater(t, len(corpus), 100, "the corpus has well over a hundred workloads")
	refused := regoAgreesWithPodSecurity(t, corpus)
	assert.Greater(t, refused, 50)
	t.Logf("%d corpus templates at two levels: %d refusals, every one as Pod Security's", len(corpus), refused)
}

// regoAgreesWithPodSecurity asserts, for each case at baseline and at restricted, that the Gatekeeper
// rules refuse it exactly when Pod Security does, naming each of Pod Security's reasons, and returns how
// many refusals there were.
func regoAgreesWithPodSecurity(t *testing.T, cases []podsecurity.Case) int {
	t.Helper()
	refused := 0
	for _, level := range []psaapi.Level{psaapi.LevelBaseline, psaapi.LevelRestricted} {
		for _, c := range cases {
			allowed, reasons := podsecurity.Allows(level, c)
			msgs := regoPodSecurity(t, level, "Deployment", c)
			if !assert.Equal(t, allowed, len(msgs) == 0, "%s at %s: Pod Security %s, the rules said %q", c.Name, level, podsecurity.Describe(allowed, reasons), msgs) {
				continue
			}
			if !allowed {
				refused++
			}
			for _, r := range reasons {
				found := false
				for _, m := range msgs {
					found = found || strings.Contains(m, "("+r+")")
				}
				assert.True(t, found, "%s at %s: Pod Security refuses it for %q, which no rule names: %q", c.Name, level, r, msgs)
			}
		}
	}
	return refused
}

// TestRegoPodSecurityFindsTheTemplateOfEveryKind: the template is found, and its field path named, in
// every kind that has one.
func TestRegoPodSecurityFindsTheTemplateOfEveryKind(t *testing.T) {
	c := podsecurity.Case{Name: "hostPath", Spec: podsecurity.Restricted()}
	c.Spec.Volumes = []corev1.Volume{{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}
	for kind, path := range map[string]string{
		"Deployment": "spec.template.spec", "StatefulSet": "spec.template.spec", "DaemonSet": "spec.template.spec",
		"ReplicaSet": "spec.template.spec", "Job": "spec.template.spec", "ReplicationController": "spec.template.spec",
		"CronJob": "spec.jobTemplate.spec.template.spec", "PodTemplate": "template.spec",
	} {
		msgs := regoPodSecurity(t, psaapi.LevelRestricted, kind, c)
		assert.ElementsMatch(t, []string{
			`violates PodSecurity "baseline" (hostPath volumes): ` + path + `: volume "host" must not be a hostPath volume`,
			`violates PodSecurity "restricted" (restricted volume types): ` + path + `: volume "host" must be of the types configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret`,
		}, msgs, kind)
	}
}
