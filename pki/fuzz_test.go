package pki

import (
	"crypto"
	"strings"
	"testing"
	"time"
)

// FuzzParsePEM: a certificate or private key of any content is parsed or refused without crashing; a
// key that parses has a public key; a key pair built of the input is judged without crashing, and its
// problems never quote the key.
func FuzzParsePEM(f *testing.F) {
	b, err := Generate(Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b.ClusterCA.Cert, b.ClusterCA.Key)
	f.Add(b.APIServer.Cert, b.EtcdCA.Key)
	f.Add("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, cert, key string) {
		_, _ = ParseCertificate(cert)
		if k, err := ParsePrivateKey(key); err == nil {
			if _, ok := k.(crypto.Signer); ok {
				if _, err := PublicKeyPEM(key); err != nil {
					t.Fatalf("a parsed signer has no public key: %v", err)
				}
			}
		}
		for _, e := range checkCA(KeyPair{Cert: cert, Key: key}, nil, time.Now()) {
			if len(key) >= 16 && strings.Contains(e.Error(), key) {
				t.Fatalf("a message quotes the private key: %v", e)
			}
		}
	})
}
