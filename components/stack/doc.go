// Package stack is kubeharden's own Pulumi program: it reads the hardening profile from the stack config,
// a profile file and the environment, builds the kubernetes provider the stack asks for and creates the
// Baseline. cmd/kubeharden-stack only hands Run to pulumi.Run.
package stack
