// Package fastyaml is the fast stage of reading manifests: Convert turns a YAML document written in the
// plain block style Kubernetes manifests almost always use into JSON, with its top-level apiVersion and
// kind, several times faster than a general YAML parser, and gives up (ok false) on anything whose
// meaning it is not sure to share with sigs.k8s.io/yaml, which the caller then uses. It knows YAML, not
// Kubernetes: package manifests decides which documents go through it (and can turn it off; see
// BENCHMARKS.md for what it saves).
package fastyaml
