// Package fleet rolls one hardening profile out to many clusters: a fleet file (Load) lists the
// clusters, each a Pulumi stack of the kubeharden program with the shared profile and its own overrides,
// validated together before any stack is touched; Run previews or updates every cluster through the
// Pulumi Automation API, each in a workspace of its own, at a bounded concurrency, and reports each
// cluster's changes, policy violations, duration and error. A cluster that fails does not stop the
// others.
package fleet
