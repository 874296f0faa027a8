// Command kubeharden-policy is the kubeharden policy pack, an analyzer that `pulumi preview --policy-pack
// <this executable>` starts: the control catalog's verdicts on the stack's Kubernetes resources (see
// package policypack). It only wires the stack's config to the pack.
package main
