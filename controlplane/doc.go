// Package controlplane renders the hardened control-plane file set (encryption at rest, audit policy,
// Pod Security admission defaults, certificates, kubeconfigs and the flags of kube-apiserver, etcd,
// kube-controller-manager and kube-scheduler) from a profile, a PKI bundle and the encryption keys, for
// kubeadm and k3s. It is not a Pulumi component: the ControlPlane component that exposes the set as stack
// outputs is components/controlplanecomponent. This package is also what `kubeharden files write` and
// the key rotation commands build on.
package controlplane
