// Package rbac is kubeharden's least-privilege role catalog (NSA/CISA "Authentication and
// authorization", CIS 5.1.x): the rules of each role as k8s.io/api RBAC rules, every verb, resource and
// API group named (no wildcards), and the helpers that turn them into Pulumi Roles and bindings.
package rbac
