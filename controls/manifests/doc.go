// Package manifests reads a folder of rendered Kubernetes YAML strictly into the k8s.io/api types, so that
// a test fails on an unknown field, an unknown kind or a misspelt key, and finds the pod template of every
// workload kind.
package manifests
