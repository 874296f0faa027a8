// Package stack names the settings of kubeharden's stacks (stacks/Pulumi.<stack>.yaml) and carries out
// the operations on them that the kubeharden command offers: the PKI and the encryption keys in the secret
// config (through the pulumi CLI), the control-plane files from the outputs, Secret rewriting, and the
// compliance check (of files, a live cluster, or a `pulumi preview --json`, whose resources it reads as
// the policy pack does, through package policypack), and the policy pack's options from a stack's settings.
// The program itself is components/stack/program.
package stack
