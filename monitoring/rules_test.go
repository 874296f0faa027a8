package monitoring

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/tests/testenv"
)

// scenario is a series that makes an alert fire, and one, as close as can be, that must not.
type scenario struct {
	firing, quiet []map[string]string // series and values, promtool's input_series
	evalTime      string
	labels        map[string]string // the alert's labels beyond severity and source
}

func series(s, values string) map[string]string {
	return map[string]string{"series": s, "values": values}
}

// scenarios are each rule's, by alert name: the metric names and labels kube-apiserver 1.36 exports.
var scenarios = map[string]scenario{
	"KubehardenAuditEventsFailing": {
		firing:   []map[string]string{series(`apiserver_audit_error_total{job="apiserver",plugin="webhook"}`, "0+1x20")},
		quiet:    []map[string]string{series(`apiserver_audit_error_total{job="apiserver",plugin="webhook"}`, "0x20")},
		evalTime: "10m", labels: map[string]string{"job": "apiserver"}},
	"KubehardenAuditEventsStopped": {
		firing:   []map[string]string{series(`apiserver_audit_event_total{job="apiserver"}`, "500x40")},
		quiet:    []map[string]string{series(`apiserver_audit_event_total{job="apiserver"}`, "500+20x40")},
		evalTime: "30m", labels: map[string]string{"job": "apiserver"}},
	"KubehardenAuthenticationFailures": {
		firing:   []map[string]string{series(`authentication_attempts{job="apiserver",result="failure"}`, "0+60x20")},
		quiet:    []map[string]string{series(`authentication_attempts{job="apiserver",result="failure"}`, "0+5x20"), series(`authentication_attempts{job="apiserver",result="success"}`, "0+600x20")},
		evalTime: "10m", labels: map[string]string{"job": "apiserver"}},
	"KubehardenAuthorizationDenials": {
		firing:   []map[string]string{series(`authorization_attempts_total{job="apiserver",result="denied"}`, "0+60x20")},
		quiet:    []map[string]string{series(`authorization_attempts_total{job="apiserver",result="denied"}`, "0+5x20"), series(`authorization_attempts_total{job="apiserver",result="allowed"}`, "0+600x20")},
		evalTime: "10m", labels: map[string]string{"job": "apiserver"}},
	"KubehardenPodSecurityDenials": {
		firing:   []map[string]string{series(`pod_security_evaluations_total{job="apiserver",decision="deny",mode="enforce",policy_level="restricted"}`, "0 0 0 1 1 1")},
		quiet:    []map[string]string{series(`pod_security_evaluations_total{job="apiserver",decision="deny",mode="warn",policy_level="restricted"}`, "0 0 0 1 1 1"), series(`pod_security_evaluations_total{job="apiserver",decision="allow",mode="enforce",policy_level="restricted"}`, "0+3x5")},
		evalTime: "5m", labels: map[string]string{"job": "apiserver", "policy_level": "restricted"}},
	"KubehardenAdmissionPolicyDenials": {
		firing:   []map[string]string{series(`apiserver_validating_admission_policy_check_total{job="apiserver",policy="kubeharden-image-tag",enforcement_action="deny"}`, "0 0 1 1 1 1")},
		quiet:    []map[string]string{series(`apiserver_validating_admission_policy_check_total{job="apiserver",policy="kubeharden-image-tag",enforcement_action="warn"}`, "0 0 1 1 1 1")},
		evalTime: "5m", labels: map[string]string{"job": "apiserver", "policy": "kubeharden-image-tag"}},
	"KubehardenEncryptionAtRestErrors": {
		firing:   []map[string]string{series(`apiserver_storage_transformation_operations_total{job="apiserver",resource="secrets",transformation_type="from_storage",transformer_prefix="k8s:enc:secretbox:v1:",status="Internal"}`, "0+1x10")},
		quiet:    []map[string]string{series(`apiserver_storage_transformation_operations_total{job="apiserver",resource="secrets",transformation_type="from_storage",transformer_prefix="k8s:enc:secretbox:v1:",status="OK"}`, "0+100x10")},
		evalTime: "5m", labels: map[string]string{"job": "apiserver", "resource": "secrets", "transformation_type": "from_storage"}},
	"KubehardenClientCertificatesExpiring": {
		firing: []map[string]string{ // certificates with a day left
			series(`apiserver_client_certificate_expiration_seconds_bucket{job="apiserver",le="3600"}`, "0x10"),
			series(`apiserver_client_certificate_expiration_seconds_bucket{job="apiserver",le="86400"}`, "0+1x10"),
			series(`apiserver_client_certificate_expiration_seconds_bucket{job="apiserver",le="604800"}`, "0+1x10"),
			series(`apiserver_client_certificate_expiration_seconds_bucket{job="apiserver",le="2592000"}`, "0+1x10"),
			series(`apiserver_client_certificate_expiration_seconds_bucket{job="apiserver",le="+Inf"}`, "0+1x10"),
		},
		quiet: []map[string]string{ // certificates with a year left
			series(`apiserver_client_certificate_expiration_seconds_bucket{job="apiserver",le="3600"}`, "0x10"),
			series(`apiserver_client_certificate_expiration_seconds_bucket{job="apiserver",le="86400"}`, "0x10"),
			series(`apiserver_client_certificate_expiration_seconds_bucket{job="apiserver",le="604800"}`, "0x10"),
			series(`apiserver_client_certificate_expiration_seconds_bucket{job="apiserver",le="2592000"}`, "0x10"),
			series(`apiserver_client_certificate_expiration_seconds_bucket{job="apiserver",le="+Inf"}`, "0+1x10"),
		},
		evalTime: "5m", labels: map[string]string{"job": "apiserver"}},
}

// TestPromtoolChecksAndTestsTheRules writes the rules file, has Prometheus' own promtool check it, and
// runs promtool's unit tests: each rule fires on its scenario, with its labels and annotations, and not
// on the quiet one beside it.
func TestPromtoolChecksAndTestsTheRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		testenv.Unavailable(t, "promtool is not installed", "make tools installs Debian's prometheus package, which has it")
	}
	p, err := config.Resolve(&config.Profile{Monitoring: config.Monitoring{Enabled: true}})
	require.NoError(t, err)
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "kubeharden.rules.yaml")
	data, err := RulesFile(p.Monitoring)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(rulesFile, data, 0o600))
	out, err := exec.Command(promtool, "check", "rules", rulesFile).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "SUCCESS: 8 rules found")

	var tests []any
	rules := Rules(p.Monitoring)
	require.Len(t, scenarios, len(rules), "a scenario for every rule")
	for _, r := range rules {
		sc, ok := scenarios[r.Alert]
		require.True(t, ok, r.Alert)
		labels := map[string]string{"severity": r.Severity, "source": "kubeharden"}
		for k, v := range sc.labels {
			labels[k] = v
		}
		tests = append(tests,
			map[string]any{"interval": "1m", "input_series": sc.firing, "alert_rule_test": []any{map[string]any{
				"eval_time": sc.evalTime, "alertname": r.Alert,
				"exp_alerts": []any{map[string]any{"exp_labels": labels, "exp_annotations": map[string]string{"summary": r.Summary, "runbook": r.Runbook}}},
			}}},
			map[string]any{"interval": "1m", "input_series": sc.quiet, "alert_rule_test": []any{map[string]any{
				"eval_time": sc.evalTime, "alertname": r.Alert, "exp_alerts": []any{},
			}}})
	}
	testFile := filepath.Join(dir, "kubeharden.rules.test.yaml")
	doc, err := yaml.Marshal(map[string]any{"rule_files": []string{rulesFile}, "evaluation_interval": "1m", "tests": tests})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(testFile, doc, 0o600))
	out, err = exec.Command(promtool, "test", "rules", testFile).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "SUCCESS")
}

// TestThePrometheusRuleHoldsTheSameRules: the PrometheusRule's groups are the rules file's, in the
// profile's namespace, with its labels beside kubeharden's own.
func TestThePrometheusRuleHoldsTheSameRules(t *testing.T) {
	p, err := config.Resolve(&config.Profile{Monitoring: config.Monitoring{Enabled: true, Namespace: "observability", RuleLabels: map[string]string{"release": "prometheus"}}})
	require.NoError(t, err)
	data, err := RulesFile(p.Monitoring)
	require.NoError(t, err)
	var file map[string]any
	require.NoError(t, yaml.Unmarshal(data, &file))
	obj, err := yaml.Marshal(PrometheusRule(p.Monitoring))
	require.NoError(t, err)
	var rule map[string]any
	require.NoError(t, yaml.Unmarshal(obj, &rule))
	assert.Equal(t, file["groups"], rule["spec"].(map[string]any)["groups"])
	meta := rule["metadata"].(map[string]any)
	assert.Equal(t, "observability", meta["namespace"])
	assert.Equal(t, map[string]any{"release": "prometheus", "app.kubernetes.io/managed-by": "kubeharden"}, meta["labels"])
}
