package config

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// EncryptionProviders are the providers allowed first in the encryption configuration (CIS 1.2.28).
var EncryptionProviders = []string{"aescbc", "aesgcm", "secretbox", "kms"}

// TLSVersions are the allowed minimum TLS versions.
var TLSVersions = []string{"VersionTLS12", "VersionTLS13"}

// ExemptionKinds are the kinds of Pod Security exemption.
var ExemptionKinds = []string{"namespace", "username", "runtimeClass"}

// ValidateControlPlane checks a defaulted ControlPlane and returns every problem with its field path.
func ValidateControlPlane(c *ControlPlane, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if !strings.HasPrefix(c.Root, "/") {
		errs = append(errs, field.Invalid(path.Child("root"), c.Root, "must be an absolute path"))
	}

	ep := path.Child("encryption")
	switch p := c.Encryption.Provider; {
	case p == "identity":
		errs = append(errs, field.Forbidden(ep.Child("provider"), "identity stores resources in plaintext and is never the first provider (CIS 1.2.28); set allowIdentityLast while migrating"))
	case !slices.Contains(EncryptionProviders, p):
		errs = append(errs, field.NotSupported(ep.Child("provider"), p, EncryptionProviders))
	case p == "kms":
		if c.Encryption.KMS == nil || c.Encryption.KMS.Name == "" || c.Encryption.KMS.Endpoint == "" {
			errs = append(errs, field.Required(ep.Child("kms"), "the kms provider needs the KMS v2 plugin's name and endpoint"))
		} else if !strings.HasPrefix(c.Encryption.KMS.Endpoint, "unix://") {
			errs = append(errs, field.Invalid(ep.Child("kms", "endpoint"), c.Encryption.KMS.Endpoint, "must be a unix:// socket"))
		}
	}
	if !slices.Contains(c.Encryption.Resources, "secrets") {
		errs = append(errs, field.Required(ep.Child("resources"), `must include "secrets" (CIS 1.2.27)`))
	}
	for i, r := range c.Encryption.Resources {
		if r == "*.*" || r == "*." {
			continue
		}
		for _, msg := range validation.IsDNS1123Subdomain(strings.TrimPrefix(r, "*.")) {
			errs = append(errs, field.Invalid(ep.Child("resources").Index(i), r, msg))
		}
	}

	ap := path.Child("audit")
	if !strings.HasPrefix(c.Audit.LogPath, "/") {
		errs = append(errs, field.Invalid(ap.Child("logPath"), c.Audit.LogPath, "must be an absolute path"))
	}
	for _, m := range []struct {
		name     string
		value    int
		min      int
		cis      string
		whatUnit string
	}{
		{"maxAge", c.Audit.MaxAge, 30, "1.2.17", "days"},
		{"maxBackup", c.Audit.MaxBackup, 10, "1.2.18", "files"},
		{"maxSize", c.Audit.MaxSize, 100, "1.2.19", "megabytes"},
	} {
		if m.value < m.min {
			errs = append(errs, field.Invalid(ap.Child(m.name), m.value, fmt.Sprintf("must be at least %d %s (CIS %s)", m.min, m.whatUnit, m.cis)))
		}
	}
	if c.Audit.WebhookServer != "" {
		if u, err := url.Parse(c.Audit.WebhookServer); err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, field.Invalid(ap.Child("webhookServer"), c.Audit.WebhookServer, "must be an https:// URL"))
		}
	}
	if c.Audit.WebhookCA != "" {
		switch {
		case c.Audit.WebhookServer == "":
			errs = append(errs, field.Forbidden(ap.Child("webhookCA"), "needs webhookServer: it is the CA of the webhook receiver's certificate"))
		case !isPEMCertificates(c.Audit.WebhookCA):
			errs = append(errs, field.Invalid(ap.Child("webhookCA"), abbreviate(c.Audit.WebhookCA), "must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)"))
		}
	}

	tp := path.Child("tls")
	if !slices.Contains(TLSVersions, c.TLS.MinVersion) {
		errs = append(errs, field.NotSupported(tp.Child("minVersion"), c.TLS.MinVersion, TLSVersions))
	}
	if c.TLS.MinVersion != "VersionTLS13" && len(c.TLS.CipherSuites) == 0 {
		errs = append(errs, field.Required(tp.Child("cipherSuites"), "TLS 1.2 needs at least one cipher suite"))
	}
	for i, s := range c.TLS.CipherSuites {
		if !slices.Contains(CISCipherSuites, s) {
			errs = append(errs, field.NotSupported(tp.Child("cipherSuites").Index(i), s, CISCipherSuites))
		}
	}

	sp := path.Child("apiServer")
	if c.APIServer.SecurePort < 1 || c.APIServer.SecurePort > 65535 {
		errs = append(errs, field.Invalid(sp.Child("securePort"), c.APIServer.SecurePort, "must be a port from 1 to 65535"))
	}
	if a := c.APIServer.AdvertiseAddress; a != "" {
		if _, err := netip.ParseAddr(a); err != nil {
			errs = append(errs, field.Invalid(sp.Child("advertiseAddress"), a, "must be an IP address"))
		}
	}
	for i, san := range c.APIServer.SANs {
		if _, err := netip.ParseAddr(san); err == nil {
			continue
		}
		for _, msg := range validation.IsDNS1123Subdomain(san) {
			errs = append(errs, field.Invalid(sp.Child("sans").Index(i), san, "must be an IP address or a DNS name: "+msg))
		}
	}
	if _, err := netip.ParsePrefix(c.APIServer.ServiceClusterIPRange); err != nil {
		errs = append(errs, field.Invalid(sp.Child("serviceClusterIPRange"), c.APIServer.ServiceClusterIPRange, "must be a CIDR such as 10.96.0.0/12"))
	}
	if u, err := url.Parse(c.APIServer.ServiceAccountIssuer); err != nil || u.Scheme != "https" || u.Host == "" {
		errs = append(errs, field.Invalid(sp.Child("serviceAccountIssuer"), c.APIServer.ServiceAccountIssuer, "must be an https:// URL"))
	}
	if len(c.APIServer.EtcdServers) == 0 {
		errs = append(errs, field.Required(sp.Child("etcdServers"), "at least one etcd client URL"))
	}
	for i, s := range c.APIServer.EtcdServers {
		if u, err := url.Parse(s); err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, field.Invalid(sp.Child("etcdServers").Index(i), s, "must be an https:// URL: etcd is reached over mutual TLS only"))
		}
	}

	adp := path.Child("admission")
	if !slices.Contains([]string{"baseline", "restricted"}, c.Admission.Enforce) {
		errs = append(errs, field.NotSupported(adp.Child("enforce"), c.Admission.Enforce, []string{"baseline", "restricted"}))
	}
	for _, m := range []struct{ name, value string }{{"audit", c.Admission.Audit}, {"warn", c.Admission.Warn}} {
		if !slices.Contains(podSecurityLevels, m.value) {
			errs = append(errs, field.NotSupported(adp.Child(m.name), m.value, podSecurityLevels))
		}
	}
	for i, e := range c.Admission.Exemptions {
		xp := adp.Child("exemptions").Index(i)
		if !slices.Contains(ExemptionKinds, e.Kind) {
			errs = append(errs, field.NotSupported(xp.Child("kind"), e.Kind, ExemptionKinds))
		}
		if e.Name == "" {
			errs = append(errs, field.Required(xp.Child("name"), "the exempted namespace, user or runtime class"))
		}
		if strings.TrimSpace(e.Reason) == "" {
			errs = append(errs, field.Required(xp.Child("reason"), "every exemption says why; the reason is kept in the compliance report"))
		}
	}
	kp := path.Child("kubelet")
	if c.Kubelet.PodPidsLimit < 1 {
		errs = append(errs, field.Invalid(kp.Child("podPidsLimit"), c.Kubelet.PodPidsLimit, "must be at least 1 (CIS 4.2.13)"))
	}
	if d, err := time.ParseDuration(c.Kubelet.StreamingConnectionIdleTimeout); err != nil || d <= 0 {
		errs = append(errs, field.Invalid(kp.Child("streamingConnectionIdleTimeout"), c.Kubelet.StreamingConnectionIdleTimeout, "must be a duration above zero such as 5m (CIS 4.2.5)"))
	}
	for i, ip := range c.Kubelet.ClusterDNS {
		if _, err := netip.ParseAddr(ip); err != nil {
			errs = append(errs, field.Invalid(kp.Child("clusterDNS").Index(i), ip, "must be an IP address"))
		}
	}
	if c.OIDC.IssuerURL != "" {
		op := path.Child("oidc")
		if u, err := url.Parse(c.OIDC.IssuerURL); err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, field.Invalid(op.Child("issuerURL"), c.OIDC.IssuerURL, "must be an https:// URL"))
		}
		if len(c.OIDC.Audiences) == 0 {
			errs = append(errs, field.Required(op.Child("audiences"), "the client IDs that tokens must be issued for"))
		}
		if strings.HasPrefix(c.OIDC.Prefix, "system:") || c.OIDC.Prefix == "" {
			errs = append(errs, field.Invalid(op.Child("prefix"), c.OIDC.Prefix, "must be a non-empty prefix other than system:, so that OIDC users cannot pose as system users"))
		}
	}
	if !slices.Contains(Distributions, c.Distribution) {
		errs = append(errs, field.NotSupported(path.Child("distribution"), c.Distribution, Distributions))
	}
	return errs
}

// Distributions are the Kubernetes distributions kubeharden renders settings for.
var Distributions = []string{"kubeadm", "k3s"}

// isPEMCertificates is true for one or more PEM blocks that are all X.509 certificates, and nothing else.
func isPEMCertificates(s string) bool {
	rest := []byte(strings.TrimSpace(s))
	n := 0
	for len(rest) > 0 {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil || b.Type != "CERTIFICATE" {
			return false
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			return false
		}
		rest = []byte(strings.TrimSpace(string(rest)))
		n++
	}
	return n > 0
}

// abbreviate is a long value cut for an error message.
func abbreviate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
