// Package controls is kubeharden's catalog of hardening controls, in the style of
// k8s.io/pod-security-admission's policy package: one control a file, each quoting the rule it checks,
// with its sources (NSA/CISA Kubernetes Hardening Guide v1.2 section, CIS Benchmark id, kubescape id),
// registering itself from init() with versioned checks; the catalog is validated once. A finding is
// data, not an error.
package controls
