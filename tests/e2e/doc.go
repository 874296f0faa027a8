// Package e2e proves kubeharden's files on the real programs that read them, started by tests/cluster:
// kube-apiserver, etcd and kube-controller-manager on 127.0.0.1 (of another minor with make
// test-versions), kubeadm's validation and init phases, and a kubelet with containerd; and the cluster
// stack's real `pulumi up` against that control plane.
package e2e
