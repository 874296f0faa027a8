package monitoring

import (
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

// GroupName is the rule group's name.
const GroupName = "kubeharden-security"

// PrometheusRuleName is the PrometheusRule's name.
const PrometheusRuleName = "kubeharden-security"

// Rule is one alerting rule: its PromQL over the API server's own metrics (k8s.io/apiserver 1.36 and
// k8s.io/pod-security-admission name them), how long it must hold, its severity, and what a person reads.
type Rule struct {
	Alert, Expr, For, Severity string
	// Summary says what fired; Runbook what to do.
	Summary, Runbook string
}

// Rules are the alerting rules of the monitoring section.
func Rules(m config.Monitoring) []Rule {
	perSecond := fmt.Sprintf("%g", float64(m.DeniedPerMinute)/60)
	return []Rule{
		{Alert: "KubehardenAuditEventsFailing", Severity: "critical", For: "1m",
			Expr:    `sum by (job) (rate(apiserver_audit_error_total[5m])) > 0`,
			Summary: "The API server fails to write or send audit events: what happens now is not recorded.",
			Runbook: "Check the audit log's disk (--audit-log-path) and the audit webhook (kubeharden audit serve: its queue and metrics); apiserver_audit_error_total's plugin label says which backend fails."},
		{Alert: "KubehardenAuditEventsStopped", Severity: "critical", For: "10m",
			Expr:    `sum by (job) (rate(apiserver_audit_event_total[10m])) == 0`,
			Summary: "The API server has generated no audit event for ten minutes: auditing is off or the policy records nothing.",
			Runbook: "Compare kube-apiserver's --audit-policy-file and --audit-log-path with the rendered files (kubeharden check on the control plane); a hand-edited policy that drops everything shows here."},
		{Alert: "KubehardenAuthenticationFailures", Severity: "warning", For: "2m",
			Expr:    `sum by (job) (rate(authentication_attempts{result="failure"}[5m])) > ` + perSecond,
			Summary: fmt.Sprintf("More than %d authentication failures a minute: guessed or stolen-and-revoked credentials are being tried.", m.DeniedPerMinute),
			Runbook: "Find the source addresses in the audit log (kubeharden audit scan: denied-burst names them) and block or investigate them."},
		{Alert: "KubehardenAuthorizationDenials", Severity: "warning", For: "2m",
			Expr:    `sum by (job) (rate(authorization_attempts_total{result="denied"}[5m])) > ` + perSecond,
			Summary: fmt.Sprintf("More than %d authorization denials a minute: a credential is enumerating what it may do.", m.DeniedPerMinute),
			Runbook: "kubeharden audit scan (denied-burst) names the user; check what it is and what it tried."},
		{Alert: "KubehardenPodSecurityDenials", Severity: "warning",
			Expr:    `sum by (job, policy_level) (increase(pod_security_evaluations_total{decision="deny",mode="enforce"}[10m])) > 0`,
			Summary: "Pod Security refused pods: someone asked for more than the namespace's level allows (host access, privilege, root).",
			Runbook: "kubeharden audit scan (host-access-pod-refused) names who and which pod; a workload that needs an exemption gets one in the profile, with its reason."},
		{Alert: "KubehardenAdmissionPolicyDenials", Severity: "warning",
			Expr:    `sum by (job, policy) (increase(apiserver_validating_admission_policy_check_total{enforcement_action="deny"}[10m])) > 0`,
			Summary: "A kubeharden guardrail (ValidatingAdmissionPolicy) refused a request: an untrusted registry, a latest tag, a Service exposure or the like.",
			Runbook: "The policy label names the guardrail; the audit log has the request. Fix the manifest, or change the profile's guardrails with a reason."},
		{Alert: "KubehardenEncryptionAtRestErrors", Severity: "critical", For: "1m",
			Expr:    `sum by (job, resource, transformation_type) (rate(apiserver_storage_transformation_operations_total{status!="OK"}[5m])) > 0`,
			Summary: "The API server fails to encrypt or decrypt resources at rest (Secrets): a missing or wrong key, or a KMS plugin down.",
			Runbook: "Compare --encryption-provider-config with the stack's keys (kubeharden encryption-key); a failed rotation leaves Secrets written with a key the servers no longer hold."},
		{Alert: "KubehardenClientCertificatesExpiring", Severity: "warning",
			Expr:    `histogram_quantile(0.01, sum by (job, le) (rate(apiserver_client_certificate_expiration_seconds_bucket[5m]))) < 604800`,
			Summary: "Client certificates presented to the API server expire within a week: components and users will be locked out.",
			Runbook: "kubeharden pki init --renew-within 720h renews the control plane's certificates; a user's certificate is renewed by its issuer."},
	}
}

// group is the rule group in Prometheus' rule file format.
func group(m config.Monitoring) map[string]any {
	var rules []map[string]any
	for _, r := range Rules(m) {
		out := map[string]any{
			"alert":       r.Alert,
			"expr":        r.Expr,
			"labels":      map[string]string{"severity": r.Severity, "source": contract.ManagedByValue},
			"annotations": map[string]string{"summary": r.Summary, "runbook": r.Runbook},
		}
		if r.For != "" {
			out["for"] = r.For
		}
		rules = append(rules, out)
	}
	return map[string]any{"name": GroupName, "rules": rules}
}

// RulesFile is the rules as a plain Prometheus rules file (rule_files in prometheus.yml).
func RulesFile(m config.Monitoring) ([]byte, error) {
	return yaml.Marshal(map[string]any{"groups": []any{group(m)}})
}

// PrometheusRule is the rules as a prometheus-operator PrometheusRule object.
func PrometheusRule(m config.Monitoring) map[string]any {
	labels := map[string]string{contract.ManagedByLabel: contract.ManagedByValue}
	for k, v := range m.RuleLabels {
		labels[k] = v
	}
	return map[string]any{
		"apiVersion": "monitoring.coreos.com/v1",
		"kind":       "PrometheusRule",
		"metadata":   map[string]any{"name": PrometheusRuleName, "namespace": m.Namespace, "labels": labels},
		"spec":       map[string]any{"groups": []any{group(m)}},
	}
}
