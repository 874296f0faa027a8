// Package controlplane renders the hardened control-plane file set (encryption at rest, audit policy,
// Pod Security admission defaults, certificates, kubeconfigs and the flags of kube-apiserver, etcd,
// kube-controller-manager and kube-scheduler) from a profile, a PKI bundle and the encryption keys, and
// provides the ControlPlane component that exposes that set as secret stack outputs.
package controlplane
