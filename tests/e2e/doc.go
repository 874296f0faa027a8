// Package e2e proves kubeharden's control-plane files on a real kube-apiserver, etcd and
// kube-controller-manager started on 127.0.0.1 by tests/cluster.
package e2e
