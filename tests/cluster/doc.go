// Package cluster starts a real control plane for end-to-end tests: etcd, kube-apiserver and
// kube-controller-manager on 127.0.0.1, configured only by the files and flags that
// package controlplane renders, and stops it when the test ends.
package cluster
