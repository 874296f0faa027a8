// Package live reads a running cluster's objects for `kubeharden check --kubeconfig`, read-only: it only
// lists the kinds the control catalog inspects, and returns them as manifests.Objects.
package live
