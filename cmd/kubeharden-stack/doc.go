// Command kubeharden-stack is the Pulumi program of this repository (Pulumi.yaml's main). It only wires:
// the program itself is program.Run.
package main
