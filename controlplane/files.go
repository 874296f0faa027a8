package controlplane

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"
	clientcmdv1 "k8s.io/client-go/tools/clientcmd/api/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/pki"
)

// File is one file of the control-plane set.
type File struct {
	// Path is the absolute path on the node.
	Path string `json:"path"`
	// Mode is the file's permission bits: 0600 for keys and anything holding a secret.
	Mode fs.FileMode `json:"mode"`
	// Content is the file's content.
	Content string `json:"content"`
	// Sensitive is true when the content holds a private key or an encryption key.
	Sensitive bool `json:"sensitive"`
}

// Inputs are everything Render needs. The PKI bundle and the encryption keys are secrets.
type Inputs struct {
	// Profile is the resolved profile.
	Profile config.Resolved
	// PKI is the control plane's certificate bundle.
	PKI *pki.Bundle
	// EncryptionKeys are the local provider's keys, the encrypting one first.
	EncryptionKeys []EncryptionKey
	// Now is the time certificates must be valid at; it defaults to the current time.
	Now time.Time
}

// Validate checks the secret inputs and returns every problem, with its field path.
func (in Inputs) Validate() field.ErrorList {
	var errs field.ErrorList
	if in.Profile.IsZero() {
		return field.ErrorList{field.Required(field.NewPath("profile"), "")}
	}
	if in.PKI == nil {
		errs = append(errs, field.Required(field.NewPath("pki"), "generate one with `kubeharden pki init`"))
	} else {
		now := in.Now
		if now.IsZero() {
			now = time.Now()
		}
		errs = append(errs, in.PKI.Validate(now)...)
		errs = append(errs, checkServingNames(in)...)
	}
	errs = append(errs, ValidateEncryptionKeys(in.Profile.ControlPlane.Encryption.Provider, in.EncryptionKeys, field.NewPath("encryptionKeys"))...)
	return errs
}

// checkServingNames reports profile SANs (and the advertise address) that the API server's serving
// certificate does not cover: a client would refuse to connect by that name.
func checkServingNames(in Inputs) field.ErrorList {
	cert, err := pki.ParseCertificate(in.PKI.APIServer.Cert)
	if err != nil {
		return nil // reported by Validate
	}
	api := in.Profile.ControlPlane.APIServer
	names := append([]string(nil), api.SANs...)
	if api.AdvertiseAddress != "" {
		names = append(names, api.AdvertiseAddress)
	}
	var errs field.ErrorList
	for _, n := range names {
		if cert.VerifyHostname(n) != nil {
			errs = append(errs, field.Invalid(field.NewPath("pki", "apiServer", "cert"), n,
				"the API server certificate does not cover this name from controlPlane.apiServer; run `kubeharden pki init --replace`"))
		}
	}
	return errs
}

// Render returns the control-plane file set: certificates and keys, kubeconfigs, the encryption
// configuration, the audit policy and the admission configuration, in the order of Layout.
func Render(in Inputs) ([]File, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("rendering the control-plane files: %w", config.NewInvalidProfileError(errs))
	}
	entries := layout(in.Profile)
	files := make([]File, len(entries))
	for i, e := range entries {
		content, err := e.content(in)
		if err != nil {
			return nil, fmt.Errorf("rendering %s: %w", e.Path, err)
		}
		files[i] = e.File
		files[i].Content = content
	}
	return files, nil
}

// Layout lists the files Render writes for a profile, without their content: it needs no secret.
func Layout(p config.Resolved) []File {
	entries := layout(p)
	files := make([]File, len(entries))
	for i, e := range entries {
		files[i] = e.File
	}
	return files
}

type entry struct {
	File
	content func(in Inputs) (string, error)
}

func layout(p config.Resolved) []entry {
	paths := Paths{Root: p.ControlPlane.Root}
	var out []entry
	add := func(path string, sensitive bool, content func(in Inputs) (string, error)) {
		mode := fs.FileMode(0o644)
		if sensitive {
			mode = 0o600
		}
		out = append(out, entry{File: File{Path: path, Mode: mode, Sensitive: sensitive}, content: content})
	}
	pair := func(certPath, keyPath string, kp func(b *pki.Bundle) pki.KeyPair) {
		add(certPath, false, func(in Inputs) (string, error) { return kp(in.PKI).Cert, nil })
		add(keyPath, true, func(in Inputs) (string, error) { return kp(in.PKI).Key, nil })
	}
	pair(paths.CACert(), paths.CAKey(), func(b *pki.Bundle) pki.KeyPair { return b.ClusterCA })
	pair(paths.EtcdCACert(), paths.EtcdCAKey(), func(b *pki.Bundle) pki.KeyPair { return b.EtcdCA })
	pair(paths.FrontProxyCACert(), paths.FrontProxyCAKey(), func(b *pki.Bundle) pki.KeyPair { return b.FrontProxyCA })
	pair(paths.APIServerCert(), paths.APIServerKey(), func(b *pki.Bundle) pki.KeyPair { return b.APIServer })
	pair(paths.KubeletClientCert(), paths.KubeletClientKey(), func(b *pki.Bundle) pki.KeyPair { return b.APIServerKubeletClient })
	pair(paths.EtcdClientCert(), paths.EtcdClientKey(), func(b *pki.Bundle) pki.KeyPair { return b.APIServerEtcdClient })
	pair(paths.FrontProxyClientCert(), paths.FrontProxyClientKey(), func(b *pki.Bundle) pki.KeyPair { return b.FrontProxyClient })
	pair(paths.EtcdServerCert(), paths.EtcdServerKey(), func(b *pki.Bundle) pki.KeyPair { return b.EtcdServer })
	pair(paths.EtcdPeerCert(), paths.EtcdPeerKey(), func(b *pki.Bundle) pki.KeyPair { return b.EtcdPeer })
	add(paths.ServiceAccountKey(), true, func(in Inputs) (string, error) { return in.PKI.ServiceAccountKey, nil })
	add(paths.ServiceAccountPublic(), false, func(in Inputs) (string, error) { return pki.PublicKeyPEM(in.PKI.ServiceAccountKey) })

	server := APIServerURL(p)
	for _, kc := range []struct {
		path, user string
		kp         func(b *pki.Bundle) pki.KeyPair
	}{
		{paths.AdminKubeconfig(), "kubernetes-admin", func(b *pki.Bundle) pki.KeyPair { return b.Admin }},
		{paths.ControllerManagerKubeconfig(), "system:kube-controller-manager", func(b *pki.Bundle) pki.KeyPair { return b.ControllerManager }},
		{paths.SchedulerKubeconfig(), "system:kube-scheduler", func(b *pki.Bundle) pki.KeyPair { return b.Scheduler }},
	} {
		add(kc.path, true, func(in Inputs) (string, error) {
			return Kubeconfig(server, in.PKI.ClusterCA.Cert, kc.user, kc.kp(in.PKI))
		})
	}

	add(paths.EncryptionConfig(), true, func(in Inputs) (string, error) {
		return marshal(EncryptionConfig(p.ControlPlane.Encryption, in.EncryptionKeys))
	})
	add(paths.AuditPolicy(), false, func(Inputs) (string, error) { return marshal(AuditPolicy()) })
	if audit := p.ControlPlane.Audit; audit.WebhookServer != "" {
		add(paths.AuditWebhookKubeconfig(), true, func(in Inputs) (string, error) { return webhookKubeconfig(audit, in.PKI) })
		if audit.WebhookCA == "" { // the PKI issues the receiver's certificate: `kubeharden audit serve` reads it here
			pair(paths.AuditWebhookServerCert(), paths.AuditWebhookServerKey(), func(b *pki.Bundle) pki.KeyPair { return b.AuditWebhookServer })
		}
	}
	if authn := AuthenticationConfig(p); authn != nil {
		add(paths.AuthenticationConfig(), false, func(Inputs) (string, error) { return marshal(authn) })
	}
	switch p.ControlPlane.Distribution {
	case "kubeadm":
		add(paths.KubeadmConfig(), false, func(Inputs) (string, error) { return KubeadmConfig(p) })
	case "k3s":
		add(paths.K3sConfig(), false, func(Inputs) (string, error) { return K3sConfig(p) })
	}
	add(paths.KubeletSysctls(), false, func(Inputs) (string, error) { return kubeletSysctlsFile(), nil })
	if p.ControlPlane.Kubelet.SeccompAuditProfile {
		add(paths.SeccompAuditProfile(), false, func(Inputs) (string, error) { return SeccompAuditProfile(), nil })
	}
	add(paths.AdmissionConfig(), false, func(Inputs) (string, error) {
		adm, err := AdmissionConfig(p.ControlPlane.Admission, p.PodSecurity.Version)
		if err != nil {
			return "", err
		}
		return marshal(adm)
	})
	return out
}

func marshal(v any) (string, error) {
	out, err := yaml.Marshal(v)
	return string(out), err
}

// Kubeconfig renders a kubeconfig for one client certificate.
func Kubeconfig(server, caPEM, user string, kp pki.KeyPair) (string, error) {
	cfg := clientcmdv1.Config{
		APIVersion: "v1",
		Kind:       "Config",
		Clusters: []clientcmdv1.NamedCluster{{Name: "kubernetes", Cluster: clientcmdv1.Cluster{
			Server: server, CertificateAuthorityData: []byte(caPEM),
		}}},
		AuthInfos: []clientcmdv1.NamedAuthInfo{{Name: user, AuthInfo: clientcmdv1.AuthInfo{
			ClientCertificateData: []byte(kp.Cert), ClientKeyData: []byte(kp.Key),
		}}},
		Contexts: []clientcmdv1.NamedContext{{Name: user + "@kubernetes", Context: clientcmdv1.Context{
			Cluster: "kubernetes", AuthInfo: user,
		}}},
		CurrentContext: user + "@kubernetes",
	}
	out, err := yaml.Marshal(cfg)
	return string(out), err
}

// webhookKubeconfig is the API server's kubeconfig for its audit webhook: the receiver's URL and the CA
// of its certificate (webhookCA, else the cluster CA), and the API server's client certificate to it from
// the PKI (mutual TLS: the receiver accepts no request without it).
func webhookKubeconfig(audit config.Audit, b *pki.Bundle) (string, error) {
	if b.AuditWebhookClient.Cert == "" || (audit.WebhookCA == "" && b.AuditWebhookServer.Cert == "") {
		return "", errors.New("controlPlane.audit.webhookServer: the PKI bundle (kubeharden:pki) holds no audit webhook certificates: " +
			"it was made before the webhook was set; make it again with `kubeharden pki init --replace`")
	}
	ca := audit.WebhookCA
	if ca == "" {
		ca = b.ClusterCA.Cert
	}
	cfg := clientcmdv1.Config{
		APIVersion: "v1",
		Kind:       "Config",
		Clusters:   []clientcmdv1.NamedCluster{{Name: "audit-sink", Cluster: clientcmdv1.Cluster{Server: audit.WebhookServer, CertificateAuthorityData: []byte(ca)}}},
		AuthInfos: []clientcmdv1.NamedAuthInfo{{Name: "kube-apiserver", AuthInfo: clientcmdv1.AuthInfo{
			ClientCertificateData: []byte(b.AuditWebhookClient.Cert), ClientKeyData: []byte(b.AuditWebhookClient.Key),
		}}},
		Contexts:       []clientcmdv1.NamedContext{{Name: "audit", Context: clientcmdv1.Context{Cluster: "audit-sink", AuthInfo: "kube-apiserver"}}},
		CurrentContext: "audit",
	}
	out, err := yaml.Marshal(cfg)
	return string(out), err
}

// WriteFiles writes a file set under dir (each file at dir + its absolute path; dir "/" writes them in
// place), creating folders 0700 and setting every file's mode.
func WriteFiles(dir string, files []File) error {
	for _, f := range files {
		target := filepath.Join(dir, f.Path)
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return fmt.Errorf("writing %s: %w", f.Path, err)
		}
		if err := os.WriteFile(target, []byte(f.Content), f.Mode); err != nil {
			return fmt.Errorf("writing %s: %w", f.Path, err)
		}
		if err := os.Chmod(target, f.Mode); err != nil { // WriteFile keeps the mode of an existing file
			return fmt.Errorf("writing %s: %w", f.Path, err)
		}
	}
	return nil
}
