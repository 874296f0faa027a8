package controlplane

import (
	"path/filepath"

	"github.com/kubeharden/kubeharden/contract"
)

// Paths are where the control-plane files live on a node, under the profile's root (kubeadm's layout).
type Paths struct {
	Root string
}

func (p Paths) pki(name string) string { return filepath.Join(p.Root, "pki", name) }

// Files of the PKI.
func (p Paths) CACert() string               { return p.pki("ca.crt") }
func (p Paths) CAKey() string                { return p.pki("ca.key") }
func (p Paths) APIServerCert() string        { return p.pki("apiserver.crt") }
func (p Paths) APIServerKey() string         { return p.pki("apiserver.key") }
func (p Paths) KubeletClientCert() string    { return p.pki("apiserver-kubelet-client.crt") }
func (p Paths) KubeletClientKey() string     { return p.pki("apiserver-kubelet-client.key") }
func (p Paths) EtcdClientCert() string       { return p.pki("apiserver-etcd-client.crt") }
func (p Paths) EtcdClientKey() string        { return p.pki("apiserver-etcd-client.key") }
func (p Paths) FrontProxyCACert() string     { return p.pki("front-proxy-ca.crt") }
func (p Paths) FrontProxyCAKey() string      { return p.pki("front-proxy-ca.key") }
func (p Paths) FrontProxyClientCert() string { return p.pki("front-proxy-client.crt") }
func (p Paths) FrontProxyClientKey() string  { return p.pki("front-proxy-client.key") }
func (p Paths) ServiceAccountKey() string    { return p.pki("sa.key") }
func (p Paths) ServiceAccountPublic() string { return p.pki("sa.pub") }
func (p Paths) EtcdCACert() string           { return p.pki("etcd/ca.crt") }
func (p Paths) EtcdCAKey() string            { return p.pki("etcd/ca.key") }
func (p Paths) EtcdServerCert() string       { return p.pki("etcd/server.crt") }
func (p Paths) EtcdServerKey() string        { return p.pki("etcd/server.key") }
func (p Paths) EtcdPeerCert() string         { return p.pki("etcd/peer.crt") }
func (p Paths) EtcdPeerKey() string          { return p.pki("etcd/peer.key") }

// AuditWebhookServerCert and AuditWebhookServerKey are the audit webhook receiver's serving certificate
// and key, where kubeharden's PKI issues them (`kubeharden audit serve --cert --key`).
func (p Paths) AuditWebhookServerCert() string { return p.pki("audit-webhook-server.crt") }
func (p Paths) AuditWebhookServerKey() string  { return p.pki("audit-webhook-server.key") }
func (p Paths) AdminKubeconfig() string        { return filepath.Join(p.Root, "admin.conf") }
func (p Paths) ControllerManagerKubeconfig() string {
	return filepath.Join(p.Root, "controller-manager.conf")
}
func (p Paths) SchedulerKubeconfig() string    { return filepath.Join(p.Root, "scheduler.conf") }
func (p Paths) EncryptionConfig() string       { return filepath.Join(p.Root, "encryption-config.yaml") }
func (p Paths) AuditPolicy() string            { return filepath.Join(p.Root, "audit-policy.yaml") }
func (p Paths) AuditWebhookKubeconfig() string { return filepath.Join(p.Root, "audit-webhook.conf") }
func (p Paths) AuthenticationConfig() string {
	return filepath.Join(p.Root, "authentication-config.yaml")
}
func (p Paths) KubeadmConfig() string { return filepath.Join(p.Root, "kubeadm-config.yaml") }

// K3sConfig is k3s's own config file: /etc/rancher/k3s/config.yaml beside a root of /etc/kubernetes.
func (p Paths) K3sConfig() string {
	return filepath.Join(filepath.Dir(p.Root), "rancher", "k3s", "config.yaml")
}

// KubeletSysctls is the kernel settings file the kubelet's protectKernelDefaults needs on every node:
// /etc/sysctl.d/90-kubelet.conf beside a root of /etc/kubernetes.
func (p Paths) KubeletSysctls() string {
	return filepath.Join(filepath.Dir(p.Root), "sysctl.d", "90-kubelet.conf")
}

// KubeletRoot is the kubelet's root folder: /var/lib/kubelet beside a root of /etc/kubernetes.
func (p Paths) KubeletRoot() string {
	return filepath.Join(filepath.Dir(filepath.Dir(p.Root)), "var", "lib", "kubelet")
}

// SeccompAuditProfile is kubeharden's audit seccomp profile in the kubelet's seccomp folder:
// /var/lib/kubelet/seccomp/kubeharden/audit.json beside a root of /etc/kubernetes.
func (p Paths) SeccompAuditProfile() string {
	return filepath.Join(p.KubeletRoot(), "seccomp", contract.SeccompAuditProfile)
}
func (p Paths) AdmissionConfig() string { return filepath.Join(p.Root, "admission-config.yaml") }
