// Command profiled is the kubeharden stack program (program.Run, as cmd/kubeharden-stack runs it) with a
// CPU profile written to the file KUBEHARDEN_CPUPROFILE names, for `make bench` (P2) to print where the
// program's own time goes.
package main
