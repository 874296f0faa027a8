// Package tests holds kubeharden's integration and end-to-end tests (subpackages), which run the real
// Pulumi CLI, the real kubernetes provider and, for end to end, a real kube-apiserver and etcd; and the
// toolchain script that builds them (tests/toolchain).
package tests
