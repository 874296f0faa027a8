// Command floor is the engine's floor for `make bench` (P0): a bare Pulumi Go program that registers
// exactly the Kubernetes objects a kubeharden preview registers (the same type tokens, resource names and
// inputs, read from a JSON file the benchmark writes from that preview) under one kubernetes provider, with
// no component, no profile and no config layer. What a kubeharden preview costs above this program's is
// kubeharden's.
//
// A typed file (floorfile.Floor.Typed) makes it the program the P0 names, plain pulumi-kubernetes
// resources: each object goes through its kind's SDK constructor (corev1.NewNamespace, ...) with typed
// arguments, built from the inputs through the constructor's own argument types, so the kind's type
// aliases and its typed outputs cost what they cost any pulumi-kubernetes program. An untyped file
// registers each object by its type token alone, with a map of inputs and no SDK resource behind it: the
// engine's own floor, which no pulumi-kubernetes program reaches. A file may also hold kubeharden's
// component resources, parents, dependencies and aliases, for the benchmark's split of P1 - P0.
package main
