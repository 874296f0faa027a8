// Command kubeharden is the toolkit's command line, one file a command, each wiring its flags to a
// package function: `pki init` and `encryption-key` (the control plane's PKI and encryption keys in a
// stack's secret config, and a key rotation step by step; package stack), `files write` (the
// control-plane files from a stack's outputs), `rewrite-secrets` (every Secret written back after a key
// change), `check` and `report` (manifests, a live cluster or a `pulumi preview --json` judged against
// the control catalog; package check), `version`, and `fleet`, which runs the kubeharden-fleet
// executable beside it (one profile on every cluster of a fleet file, through the Automation API, which
// kubeharden itself does not link). Only the commands that work on a stack take --stack and --project.
// Exit codes: 0 pass, 1 a failing control or an error, 2 a usage or input error.
package main
