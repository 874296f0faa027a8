// Package integration runs the repository's own Pulumi program with the real pulumi CLI, the real Go
// language host and the real kubernetes provider on a temporary local file backend, and checks what it
// renders.
package integration
