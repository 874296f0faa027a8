// Package cluster starts a real control plane for end-to-end tests: etcd, kube-apiserver and
// kube-controller-manager on 127.0.0.1, configured only by the files and flags that package controlplane
// renders (or by the flags a distribution wrote, StartFromFlags), and stops it when the test ends. For
// the node tests it also starts containerd (StartContainerd), builds the test image (BuildStatusImage),
// issues client certificates of the cluster CA (IssueClientCert) and runs other programs beside the
// control plane (Run), such as a kubelet.
package cluster
