// Package detections is kubeharden's catalog of detection rules over the API server's audit log, in the
// control catalog's style: one rule a file (rule_<name>.go), each saying what it detects and why it
// matters, the technique it answers (MITRE ATT&CK for Containers and the Microsoft Threat Matrix for
// Kubernetes), the NSA/CISA guide's section, a severity, and what it needs of the audit policy, and a
// condition over k8s.io/apiserver's audit Event written in Go; registered from init() and validated as the
// catalog is built (DefaultRules). A Scanner evaluates the rules on audit events one by one, keeping the
// little state a correlation rule needs (a burst of denials); ScanFiles reads audit logs (JSON lines,
// gzipped or not, files or folders) and reports what it could not read with its file and line, never as
// nothing found.
//
// Each rule also says its condition as field selections over the raw audit event (Rule.Fields,
// fields.go), which Export writes as Sigma rules and as Falco k8saudit rules (export.go); a test holds
// the selections to the Go condition on the real audit log.
//
// The tamper rules (tamper.go) are not in the catalog: they are made from a stack's resolved profile
// (BaselineOf, TamperRules) and name a change or deletion of the hardening baseline (a tenant's Pod
// Security labels, its default-deny policy, a guardrail, a quota, the default ServiceAccount's automount,
// a kubeharden role, the log agent) by anyone other than the stack's own field manager and deployers,
// with what the profile says it must be. Baseline.Quiet keeps the catalog's rules quiet on the stack's own
// destroy of its baseline.
package detections
