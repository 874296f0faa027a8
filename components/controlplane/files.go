package controlplane

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"
	clientcmdv1 "k8s.io/client-go/tools/clientcmd/api/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/components/pki"
	"github.com/kubeharden/kubeharden/config"
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
	// Profile is a defaulted, valid profile.
	Profile *config.Profile
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
	if in.Profile == nil {
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
	}
	errs = append(errs, ValidateEncryptionKeys(in.Profile.ControlPlane.Encryption.Provider, in.EncryptionKeys, field.NewPath("encryptionKeys"))...)
	return errs
}

// Render returns the control-plane file set: certificates and keys, kubeconfigs, the encryption
// configuration, the audit policy and the admission configuration.
func Render(in Inputs) ([]File, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("rendering the control-plane files: %w", config.NewInvalidProfileError(errs))
	}
	p := in.Profile
	paths := Paths{Root: p.ControlPlane.Root}
	b := in.PKI
	var files []File
	public := func(path, content string) { files = append(files, File{Path: path, Mode: 0o644, Content: content}) }
	secret := func(path, content string) {
		files = append(files, File{Path: path, Mode: 0o600, Content: content, Sensitive: true})
	}
	pair := func(certPath, keyPath string, kp pki.KeyPair) {
		public(certPath, kp.Cert)
		secret(keyPath, kp.Key)
	}

	pair(paths.CACert(), paths.CAKey(), b.ClusterCA)
	pair(paths.EtcdCACert(), paths.EtcdCAKey(), b.EtcdCA)
	pair(paths.FrontProxyCACert(), paths.FrontProxyCAKey(), b.FrontProxyCA)
	pair(paths.APIServerCert(), paths.APIServerKey(), b.APIServer)
	pair(paths.KubeletClientCert(), paths.KubeletClientKey(), b.APIServerKubeletClient)
	pair(paths.EtcdClientCert(), paths.EtcdClientKey(), b.APIServerEtcdClient)
	pair(paths.FrontProxyClientCert(), paths.FrontProxyClientKey(), b.FrontProxyClient)
	pair(paths.EtcdServerCert(), paths.EtcdServerKey(), b.EtcdServer)
	pair(paths.EtcdPeerCert(), paths.EtcdPeerKey(), b.EtcdPeer)
	secret(paths.ServiceAccountKey(), b.ServiceAccountKey)
	saPub, err := pki.PublicKeyPEM(b.ServiceAccountKey)
	if err != nil {
		return nil, fmt.Errorf("rendering sa.pub: %w", err)
	}
	public(paths.ServiceAccountPublic(), saPub)

	server := APIServerURL(p)
	for _, kc := range []struct {
		path, user string
		kp         pki.KeyPair
	}{
		{paths.AdminKubeconfig(), "kubernetes-admin", b.Admin},
		{paths.ControllerManagerKubeconfig(), "system:kube-controller-manager", b.ControllerManager},
		{paths.SchedulerKubeconfig(), "system:kube-scheduler", b.Scheduler},
	} {
		content, err := Kubeconfig(server, b.ClusterCA.Cert, kc.user, kc.kp)
		if err != nil {
			return nil, fmt.Errorf("rendering %s: %w", kc.path, err)
		}
		secret(kc.path, content)
	}

	enc, err := yaml.Marshal(EncryptionConfig(p.ControlPlane.Encryption, in.EncryptionKeys))
	if err != nil {
		return nil, fmt.Errorf("rendering the encryption configuration: %w", err)
	}
	secret(paths.EncryptionConfig(), string(enc))

	audit, err := yaml.Marshal(AuditPolicy())
	if err != nil {
		return nil, fmt.Errorf("rendering the audit policy: %w", err)
	}
	public(paths.AuditPolicy(), string(audit))
	if url := p.ControlPlane.Audit.WebhookServer; url != "" {
		content, err := webhookKubeconfig(url)
		if err != nil {
			return nil, fmt.Errorf("rendering the audit webhook configuration: %w", err)
		}
		public(paths.AuditWebhookKubeconfig(), content)
	}

	adm, err := AdmissionConfig(p.ControlPlane.Admission, p.PodSecurity.Version)
	if err != nil {
		return nil, err
	}
	admYAML, err := yaml.Marshal(adm)
	if err != nil {
		return nil, fmt.Errorf("rendering the admission configuration: %w", err)
	}
	public(paths.AdmissionConfig(), string(admYAML))
	return files, nil
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

func webhookKubeconfig(url string) (string, error) {
	cfg := clientcmdv1.Config{
		APIVersion:     "v1",
		Kind:           "Config",
		Clusters:       []clientcmdv1.NamedCluster{{Name: "audit-sink", Cluster: clientcmdv1.Cluster{Server: url}}},
		AuthInfos:      []clientcmdv1.NamedAuthInfo{{Name: "kube-apiserver"}},
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
