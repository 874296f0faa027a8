// Package stack names the settings of kubeharden's stacks (stacks/Pulumi.<stack>.yaml) and carries out
// the operations on them that the kubeharden command offers: the PKI and the encryption keys in the secret
// config (through the pulumi CLI), the control-plane files from the outputs, Secret rewriting, and the
// compliance check. It does not link the Pulumi SDK; the program itself is components/stack/program.
package stack
