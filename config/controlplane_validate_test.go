package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// testCA is a CA certificate (PEM).
var testCA = func() string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "siem-ca"}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}()

func validControlPlane() *ControlPlane {
	c := &ControlPlane{}
	SetDefaultsControlPlane(c)
	return c
}

func TestValidateControlPlane(t *testing.T) {
	cases := []struct {
		name   string
		change func(c *ControlPlane)
		want   []string
	}{
		{"valid defaults", func(*ControlPlane) {}, nil},
		{"identity first", func(c *ControlPlane) { c.Encryption.Provider = "identity" },
			[]string{`controlPlane.encryption.provider: Forbidden: identity stores resources in plaintext and is never the first provider (CIS 1.2.28); set allowIdentityLast while migrating`}},
		{"unknown provider", func(c *ControlPlane) { c.Encryption.Provider = "rot13" },
			[]string{`controlPlane.encryption.provider: Unsupported value: "rot13": supported values: "aescbc", "aesgcm", "secretbox", "kms"`}},
		{"kms without plugin", func(c *ControlPlane) { c.Encryption.Provider = "kms" },
			[]string{`controlPlane.encryption.kms: Required value: the kms provider needs the KMS v2 plugin's name and endpoint`}},
		{"secrets not encrypted", func(c *ControlPlane) { c.Encryption.Resources = []string{"configmaps"} },
			[]string{`controlPlane.encryption.resources: Required value: must include "secrets" (CIS 1.2.27)`}},
		{"short audit retention", func(c *ControlPlane) { c.Audit.MaxBackup = 3 },
			[]string{`controlPlane.audit.maxBackup: Invalid value: 3: must be at least 10 files (CIS 1.2.18)`}},
		{"plain http audit webhook", func(c *ControlPlane) { c.Audit.WebhookServer = "http://siem.example.com/audit" },
			[]string{`controlPlane.audit.webhookServer: Invalid value: "http://siem.example.com/audit": must be an https:// URL`}},
		{"a webhook CA without a webhook", func(c *ControlPlane) { c.Audit.WebhookCA = testCA },
			[]string{`controlPlane.audit.webhookCA: Forbidden: needs webhookServer: it is the CA of the webhook receiver's certificate`}},
		{"a webhook CA that is not PEM", func(c *ControlPlane) {
			c.Audit.WebhookServer, c.Audit.WebhookCA = "https://siem.example.com/audit", "MIIBszCCAVmgAwIBAgIQ"
		}, []string{`controlPlane.audit.webhookCA: Invalid value: "MIIBszCCAVmgAwIBAgIQ": must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)`}},
		{"a webhook CA that is a key", func(c *ControlPlane) {
			c.Audit.WebhookServer, c.Audit.WebhookCA = "https://siem.example.com/audit", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n"
		}, []string{`controlPlane.audit.webhookCA: Invalid value: "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n...": must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)`}},
		{"a webhook CA", func(c *ControlPlane) {
			c.Audit.WebhookServer, c.Audit.WebhookCA = "https://siem.example.com/audit", testCA
		}, nil},
		{"TLS 1.1", func(c *ControlPlane) { c.TLS.MinVersion = "VersionTLS11" },
			[]string{`controlPlane.tls.minVersion: Unsupported value: "VersionTLS11": supported values: "VersionTLS12", "VersionTLS13"`}},
		{"weak cipher", func(c *ControlPlane) { c.TLS.CipherSuites = []string{"TLS_RSA_WITH_AES_128_CBC_SHA"} },
			[]string{`controlPlane.tls.cipherSuites[0]: Unsupported value: "TLS_RSA_WITH_AES_128_CBC_SHA": supported values: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"`}},
		{"plain etcd", func(c *ControlPlane) { c.APIServer.EtcdServers = []string{"http://10.0.0.5:2379"} },
			[]string{`controlPlane.apiServer.etcdServers[0]: Invalid value: "http://10.0.0.5:2379": must be an https:// URL: etcd is reached over mutual TLS only`}},
		{"bad SAN", func(c *ControlPlane) { c.APIServer.SANs = []string{"api_server"} },
			[]string{`controlPlane.apiServer.sans[0]: Invalid value: "api_server": must be an IP address or a DNS name: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`}},
		{"privileged cluster default", func(c *ControlPlane) { c.Admission.Enforce = "privileged" },
			[]string{`controlPlane.admission.enforce: Unsupported value: "privileged": supported values: "baseline", "restricted"`}},
		{"exemption without reason", func(c *ControlPlane) {
			c.Admission.Exemptions = append(c.Admission.Exemptions, Exemption{Kind: "username", Name: "ci-bot"})
		}, []string{`controlPlane.admission.exemptions[1].reason: Required value: every exemption says why; the reason is kept in the compliance report`}},
		{"unknown exemption kind", func(c *ControlPlane) { c.Admission.Exemptions[0].Kind = "group" },
			[]string{`controlPlane.admission.exemptions[0].kind: Unsupported value: "group": supported values: "namespace", "username", "runtimeClass"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := validControlPlane()
			tc.change(c)
			var got []string
			for _, e := range ValidateControlPlane(c, field.NewPath("controlPlane")) {
				got = append(got, e.Error())
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
