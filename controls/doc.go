// Package controls is kubeharden's catalog of hardening controls, in the style of
// k8s.io/pod-security-admission's policy package: one control a file (check_<name>.go), each quoting the
// rule it checks, with its sources (NSA/CISA Kubernetes Hardening Guide v1.2 section, CIS Benchmark id,
// kubescape id) and its default enforcement level, registering itself from init() with versioned
// checks. Helpers that more than one check uses live in files of their own (workloads.go, rbac.go,
// flags.go, ciphers.go, controlplane.go). DefaultControls builds the catalog and validates it as it
// does; Evaluate runs it and stamps each finding with its control's ID (a check never names itself). A
// finding is data, not an error. The package also holds, for now, the check of a set of sources
// (report.go: exemptions, statuses, exit codes) and the report's formats (formats.go, render.go).
package controls
