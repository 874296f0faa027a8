// Package controls is kubeharden's catalog of hardening controls, in the style of
// k8s.io/pod-security-admission's policy package: one control a file (check_<name>.go), each quoting the
// rule it checks, with its sources (NSA/CISA Kubernetes Hardening Guide v1.2 section, CIS Benchmark id,
// kubescape id) and its default enforcement level, registering itself from init() with versioned
// checks. Helpers that more than one check uses live in files of their own (workloads.go, rbac.go,
// flags.go, ciphers.go, controlplane.go, bootstrap.go). DefaultControls builds the catalog and validates
// it as it does (its IDs are contract.ControlIDs); NewInventory makes what the checks inspect of the
// objects and control-plane documents an input read; Evaluate runs the catalog on it and stamps each
// finding with its control's ID (a check never names itself). A finding is data, not an error. Reading
// inputs is controls/manifests', controls/live's and controls/preview's; the pipeline is package check's;
// the report and its formats are package report's.
package controls
