package config

// Monitoring renders Prometheus alerting rules for the control plane's security signals (the audit
// pipeline failing, refused requests above their normal rate, Pod Security and admission policy denials,
// encryption-at-rest errors, client certificates near expiry), as a prometheus-operator PrometheusRule
// and as a plain rules file (`kubeharden monitoring rules`), and the RBAC a scraper needs: /metrics, and
// nothing else.
type Monitoring struct {
	// Enabled makes the PrometheusRule (the cluster needs the prometheus-operator's CRD) and the scraper's
	// ClusterRole and binding.
	Enabled bool `json:"enabled"`
	// Namespace is the PrometheusRule's namespace (default monitoring).
	Namespace string `json:"namespace"`
	// RuleLabels label the PrometheusRule, so that the operator's ruleSelector picks it up (such as
	// release: prometheus).
	RuleLabels map[string]string `json:"ruleLabels,omitempty"`
	// Scraper is the ServiceAccount Prometheus scrapes the API server as (default monitoring/prometheus-k8s,
	// kube-prometheus' own); it is bound to a ClusterRole that may only get /metrics.
	Scraper ServiceAccountRef `json:"scraper"`
	// DeniedPerMinute is the rate of refused requests (authentication failures, authorization denials)
	// per minute above which an alert fires (default 10; the denied-burst detection's count).
	DeniedPerMinute int `json:"deniedPerMinute"`
}

// ServiceAccountRef names a ServiceAccount.
type ServiceAccountRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}
