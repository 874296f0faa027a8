// Package pulumitest runs the real Pulumi CLI for integration tests: it finds the toolchain that
// `make tools` built (or a pulumi already on PATH), and runs commands against a temporary local file
// backend so that no test touches a developer's own stacks; AssertCompliant reads what `kubeharden check`
// said of what they made. Every command it runs (and the Command functions run for a test) is bounded
// by CommandTimeout: one that hangs fails its own test with what it printed.
package pulumitest
