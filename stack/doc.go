// Package stack names the settings of kubeharden's stacks (stacks/Pulumi.<stack>.yaml) and carries out
// the operations on them that the kubeharden command offers, through the pulumi CLI: the PKI and the
// encryption keys in the secret config and their rotation, the profile a stack's settings give, the
// control-plane files from the outputs, and Secret rewriting in a cluster. A change of the settings (a
// new PKI, a rotation step) holds a lock on them (lock.go), so that two at once take turns; the settings
// may live in a file of their own (PulumiCLI.ConfigFile, pulumi's --config-file). The program that reads these
// settings is package program; the check of what a stack renders is package check.
package stack
