// Command kubeharden is the toolkit's command line: it generates the control plane's PKI and encryption
// keys into a stack's secret config, walks an encryption-key rotation step by step, writes the
// control-plane files from a stack's outputs, and rewrites every Secret after a key change; `check` and
// `report` judge manifests, a live cluster or a `pulumi preview --json` against the control catalog. It
// only wires flags to components/stack and components/controlplane.
package main
