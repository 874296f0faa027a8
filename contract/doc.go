// Package contract holds the names that cross a boundary between kubeharden's parts: the labels and
// annotations its components write on the cluster's objects and its controls read back, the RBAC roles
// the components make and the check's exemptions name, and the components' Pulumi type tokens, which the
// component provider and the policy pack also use. Each is defined here once, so the writer and the
// reader cannot drift apart, and a reader (the kubeharden CLI) needs no component to know them. It
// imports nothing but the standard library.
package contract
