// Package tests holds kubeharden's integration and end-to-end tests (subpackages), which run the real
// Pulumi CLI, the real kubernetes provider and, for end to end, a real kube-apiserver and etcd; and the
// toolchain script that builds them (tests/toolchain). Beside them: testenv (the one rule for a tool or data
// set a test needs: skipped outside CI, failed in it), podsecurity (Pod Security cases), rendered (the
// strict reader of kubeharden's own rendered files), the benches
// (tests/bench) and mutation testing of the security core (tests/mutate, `make mutate`).
package tests
