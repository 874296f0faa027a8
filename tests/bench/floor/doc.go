// Command floor is the engine's floor for `make bench` (P0): a bare Pulumi Go program that registers
// exactly the Kubernetes objects a kubeharden preview registers (the same type tokens, resource names and
// inputs, read from a JSON file the benchmark writes from that preview) as plain pulumi-kubernetes
// resources under one kubernetes provider, with no component, no profile and no config layer. What a
// kubeharden preview costs above this program's is kubeharden's.
package main
