// Package rbac is kubeharden's least-privilege role catalog (NSA/CISA "Authentication and
// authorization", CIS 5.1.x): the rules of each role as k8s.io/api RBAC rules, every verb, resource and
// API group named (no wildcards); the ClusterRBAC component (NewClusterRBAC, kubeharden:rbac:ClusterRBAC)
// that makes the cluster reader and auditor roles, their bindings and the break-glass bindings; and the
// helpers that turn rules and subjects into Pulumi inputs for the tenant and log-agent components.
package rbac
