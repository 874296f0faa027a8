// Package program is kubeharden's own Pulumi program: it reads the hardening profile from the stack config,
// a profile file and the environment, builds the kubernetes provider the stack asks for and creates the
// Baseline and, when the stack has a PKI and encryption keys, the ControlPlane component.
// cmd/kubeharden-stack only hands Run to pulumi.Run. The stack settings it reads are named in
// package stack.
package program
