// Package monitoring is the profile's monitoring section made into Prometheus alerting rules: the
// control plane's security signals (the audit pipeline failing or stopped, authentication failures and
// authorization denials above the profile's rate, Pod Security and admission policy denials,
// encryption-at-rest errors, client certificates near expiry), each with a summary and a runbook line,
// over the metric names kube-apiserver 1.36 exports. It writes them as a plain rules file and as a
// prometheus-operator PrometheusRule; promtool checks and tests them. It creates nothing itself: the
// Baseline component makes the PrometheusRule and the scraper's RBAC, `kubeharden monitoring rules`
// prints the file.
package monitoring
