// Package fleet rolls one hardening profile out to many clusters: a fleet file (Load) lists the
// clusters, each a Pulumi stack of the kubeharden program with the shared profile and its own overrides,
// validated together before any stack is touched. Run previews or updates every cluster, or looks for
// drift (a preview with refresh, and the control catalog on the live cluster), through the Pulumi
// Automation API, each cluster in a workspace of its own, at a bounded concurrency, and reports each
// cluster's changes, policy violations, drifted objects, failing controls, duration and error, as a
// table, JSON or (drift) an HTML page. A cluster that fails does not stop the others; one that could not
// be judged is never reported as passing.
package fleet
