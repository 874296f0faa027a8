package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"slices"
	"sort"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// KeyPair is a PEM certificate and its PEM private key.
type KeyPair struct {
	Cert string `json:"cert"`
	Key  string `json:"key"`
}

// Bundle is every certificate and key of a control plane. It is secret as a whole.
type Bundle struct {
	ClusterCA    KeyPair `json:"clusterCA"`
	EtcdCA       KeyPair `json:"etcdCA"`
	FrontProxyCA KeyPair `json:"frontProxyCA"`
	// ServiceAccountKey is the PEM private key that signs service-account tokens.
	ServiceAccountKey string `json:"serviceAccountKey"`

	APIServer              KeyPair `json:"apiServer"`
	APIServerKubeletClient KeyPair `json:"apiServerKubeletClient"`
	APIServerEtcdClient    KeyPair `json:"apiServerEtcdClient"`
	FrontProxyClient       KeyPair `json:"frontProxyClient"`
	EtcdServer             KeyPair `json:"etcdServer"`
	EtcdPeer               KeyPair `json:"etcdPeer"`
	Admin                  KeyPair `json:"admin"`
	ControllerManager      KeyPair `json:"controllerManager"`
	Scheduler              KeyPair `json:"scheduler"`
	// AuditWebhookClient is the API server's client certificate to its audit webhook, and
	// AuditWebhookServer the webhook receiver's serving certificate (`kubeharden audit serve`): both made
	// only where Options.AuditWebhookSANs names the receiver, empty otherwise.
	AuditWebhookClient KeyPair `json:"auditWebhookClient,omitzero"`
	AuditWebhookServer KeyPair `json:"auditWebhookServer,omitzero"`
}

// Options say what to generate.
type Options struct {
	// SANs are the DNS names and IP addresses of the API server's serving certificate, beyond the
	// in-cluster names kubeharden always adds.
	SANs []string
	// EtcdSANs are the DNS names and IP addresses of the etcd serving and peer certificates.
	EtcdSANs []string
	// ServiceIP is the first address of the Service range (the kubernetes Service), added to the SANs.
	ServiceIP string
	// ClusterCA, when set, is the user's own cluster CA: leaf certificates are signed by it and it is
	// not generated. The etcd CA is always separate from it.
	ClusterCA *KeyPair
	// AuditWebhookSANs, when set, are the DNS names and IP addresses of the audit webhook receiver (the
	// host of controlPlane.audit.webhookServer): the bundle then holds its serving certificate and the
	// API server's client certificate to it.
	AuditWebhookSANs []string
	// CAValidity and LeafValidity default to ten years and one year.
	CAValidity, LeafValidity time.Duration
	// Now is the issue time; it defaults to the current time.
	Now time.Time
}

// leaf describes one leaf certificate of the bundle.
type leaf struct {
	name   string
	pair   func(b *Bundle) *KeyPair
	ca     func(b *Bundle) *KeyPair
	cn     string
	orgs   []string
	usages []x509.ExtKeyUsage
	sans   func(o Options) []string
	// optional leaves are made only where made(o) says, and a bundle may lack them.
	made func(o Options) bool
}

var leaves = []leaf{
	{"apiServer", func(b *Bundle) *KeyPair { return &b.APIServer }, clusterCA, "kube-apiserver", nil,
		[]x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, apiServerSANs, nil},
	{"apiServerKubeletClient", func(b *Bundle) *KeyPair { return &b.APIServerKubeletClient }, clusterCA,
		"kube-apiserver-kubelet-client", []string{"kubeadm:cluster-admins"}, clientAuth, nil, nil},
	{"apiServerEtcdClient", func(b *Bundle) *KeyPair { return &b.APIServerEtcdClient }, etcdCA,
		"kube-apiserver-etcd-client", nil, clientAuth, nil, nil},
	{"frontProxyClient", func(b *Bundle) *KeyPair { return &b.FrontProxyClient }, frontProxyCA,
		"front-proxy-client", nil, clientAuth, nil, nil},
	{"etcdServer", func(b *Bundle) *KeyPair { return &b.EtcdServer }, etcdCA, "etcd-server", nil,
		[]x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, etcdSANs, nil},
	{"etcdPeer", func(b *Bundle) *KeyPair { return &b.EtcdPeer }, etcdCA, "etcd-peer", nil,
		[]x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, etcdSANs, nil},
	{"admin", func(b *Bundle) *KeyPair { return &b.Admin }, clusterCA, "kubernetes-admin",
		[]string{"system:masters"}, clientAuth, nil, nil},
	{"controllerManager", func(b *Bundle) *KeyPair { return &b.ControllerManager }, clusterCA,
		"system:kube-controller-manager", nil, clientAuth, nil, nil},
	{"scheduler", func(b *Bundle) *KeyPair { return &b.Scheduler }, clusterCA,
		"system:kube-scheduler", nil, clientAuth, nil, nil},
	{"auditWebhookClient", func(b *Bundle) *KeyPair { return &b.AuditWebhookClient }, clusterCA,
		AuditWebhookClientCN, nil, clientAuth, nil, withAuditWebhook},
	{"auditWebhookServer", func(b *Bundle) *KeyPair { return &b.AuditWebhookServer }, clusterCA,
		"kubeharden-audit-webhook", nil, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, func(o Options) []string { return o.AuditWebhookSANs }, withAuditWebhook},
}

// AuditWebhookClientCN is the common name of the API server's client certificate to its audit webhook;
// `kubeharden audit serve` accepts no other.
const AuditWebhookClientCN = "kube-apiserver-audit-webhook"

func withAuditWebhook(o Options) bool { return len(o.AuditWebhookSANs) > 0 }

var clientAuth = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}

func clusterCA(b *Bundle) *KeyPair    { return &b.ClusterCA }
func etcdCA(b *Bundle) *KeyPair       { return &b.EtcdCA }
func frontProxyCA(b *Bundle) *KeyPair { return &b.FrontProxyCA }

func apiServerSANs(o Options) []string {
	sans := []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "localhost", "127.0.0.1"}
	if o.ServiceIP != "" {
		sans = append(sans, o.ServiceIP)
	}
	return append(sans, o.SANs...)
}

func etcdSANs(o Options) []string {
	return append([]string{"localhost", "127.0.0.1"}, o.EtcdSANs...)
}

// Generate creates a complete bundle.
func Generate(o Options) (*Bundle, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.CAValidity == 0 {
		o.CAValidity = 10 * 365 * 24 * time.Hour
	}
	if o.LeafValidity == 0 {
		o.LeafValidity = 365 * 24 * time.Hour
	}
	b := &Bundle{}
	var err error
	if o.ClusterCA != nil {
		if errs := checkCA(*o.ClusterCA, field.NewPath("clusterCA"), o.Now); len(errs) > 0 {
			return nil, fmt.Errorf("the cluster CA brought in: %w", errs.ToAggregate())
		}
		b.ClusterCA = *o.ClusterCA
	} else if b.ClusterCA, err = newCA("kubernetes", o); err != nil {
		return nil, err
	}
	if b.EtcdCA, err = newCA("etcd-ca", o); err != nil {
		return nil, err
	}
	if b.FrontProxyCA, err = newCA("front-proxy-ca", o); err != nil {
		return nil, err
	}
	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	if b.ServiceAccountKey, err = encodeKey(saKey); err != nil {
		return nil, err
	}
	for _, l := range leaves {
		if l.made != nil && !l.made(o) {
			continue
		}
		var sans []string
		if l.sans != nil {
			sans = l.sans(o)
		}
		kp, err := newLeaf(*l.ca(b), l.cn, l.orgs, l.usages, sans, o)
		if err != nil {
			return nil, fmt.Errorf("generating %s: %w", l.name, err)
		}
		*l.pair(b) = kp
	}
	return b, nil
}

// Validate checks that every certificate parses, matches its key, is valid at now, is the certificate of
// its component (common name and key usages: an admin certificate cannot serve as the API server's) and
// chains to the CA it must chain to; and that the etcd CA is not the cluster CA.
func (b *Bundle) Validate(now time.Time) field.ErrorList {
	var errs field.ErrorList
	root := field.NewPath("pki")
	for _, ca := range []struct {
		name string
		kp   KeyPair
	}{{"clusterCA", b.ClusterCA}, {"etcdCA", b.EtcdCA}, {"frontProxyCA", b.FrontProxyCA}} {
		errs = append(errs, checkCA(ca.kp, root.Child(ca.name), now)...)
	}
	if b.ClusterCA.Cert != "" && b.ClusterCA.Cert == b.EtcdCA.Cert {
		errs = append(errs, field.Forbidden(root.Child("etcdCA"), "etcd needs a CA of its own, separate from the cluster CA (NSA/CISA v1.2)"))
	}
	if _, err := ParsePrivateKey(b.ServiceAccountKey); err != nil {
		errs = append(errs, field.Invalid(root.Child("serviceAccountKey"), "<secret>", err.Error()))
	}
	for _, l := range leaves {
		p := root.Child(l.name)
		if l.made != nil && *l.pair(b) == (KeyPair{}) {
			continue // an optional certificate this bundle was made without
		}
		cert, ferr := checkPair(*l.pair(b), p, now)
		if ferr != nil {
			errs = append(errs, ferr)
			continue
		}
		if cert.Subject.CommonName != l.cn {
			errs = append(errs, field.Invalid(p.Child("cert"), cert.Subject.CommonName, "must be the certificate of "+l.cn+" (its common name)"))
		}
		for _, u := range l.usages {
			if !slices.Contains(cert.ExtKeyUsage, u) {
				errs = append(errs, field.Invalid(p.Child("cert"), cert.Subject.CommonName, "lacks the "+usageName(u)+" key usage the "+l.name+" certificate needs"))
			}
		}
		caCert, err := ParseCertificate(l.ca(b).Cert)
		if err != nil {
			continue // reported with the CA
		}
		if err := cert.CheckSignatureFrom(caCert); err != nil {
			errs = append(errs, field.Invalid(p.Child("cert"), cert.Subject.CommonName, "is not signed by the "+caName(l)+": "+err.Error()))
		}
	}
	return errs
}

// Expiries returns the expiry time of every certificate, by name.
func (b *Bundle) Expiries() map[string]time.Time {
	out := map[string]time.Time{}
	add := func(name string, kp KeyPair) {
		if c, err := ParseCertificate(kp.Cert); err == nil {
			out[name] = c.NotAfter
		}
	}
	add("clusterCA", b.ClusterCA)
	add("etcdCA", b.EtcdCA)
	add("frontProxyCA", b.FrontProxyCA)
	for _, l := range leaves {
		add(l.name, *l.pair(b))
	}
	return out
}

// EarliestExpiry is when the bundle's first certificate expires; the zero time when a certificate every
// bundle holds is missing or does not parse, so that such a bundle reads as expired.
func (b *Bundle) EarliestExpiry() time.Time {
	expiries := b.Expiries()
	for _, name := range RequiredNames() {
		if _, ok := expiries[name]; !ok {
			return time.Time{}
		}
	}
	var first time.Time
	for _, t := range expiries {
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	return first
}

// RequiredNames are the names of the certificates every bundle holds (the audit webhook's two only some).
func RequiredNames() []string {
	names := []string{"clusterCA", "etcdCA", "frontProxyCA"}
	for _, l := range leaves {
		if l.made == nil {
			names = append(names, l.name)
		}
	}
	return names
}

// Names lists the names of the bundle's certificates, those only some bundles hold too, in a stable order.
func Names() []string {
	names := []string{"clusterCA", "etcdCA", "frontProxyCA"}
	for _, l := range leaves {
		names = append(names, l.name)
	}
	sort.Strings(names)
	return names
}

func caName(l leaf) string {
	b := &Bundle{}
	switch l.ca(b) {
	case &b.EtcdCA:
		return "etcd CA"
	case &b.FrontProxyCA:
		return "front-proxy CA"
	}
	return "cluster CA"
}

func checkCA(kp KeyPair, p *field.Path, now time.Time) field.ErrorList {
	cert, err := checkPair(kp, p, now)
	if err != nil {
		return field.ErrorList{err}
	}
	if !cert.IsCA {
		return field.ErrorList{field.Invalid(p.Child("cert"), cert.Subject.CommonName, "is not a CA certificate")}
	}
	return nil
}

// checkPair parses a key pair and checks that the key belongs to the certificate and that the
// certificate is valid at now.
func checkPair(kp KeyPair, p *field.Path, now time.Time) (*x509.Certificate, *field.Error) {
	cert, err := ParseCertificate(kp.Cert)
	if err != nil {
		return nil, field.Invalid(p.Child("cert"), "<pem>", err.Error())
	}
	key, err := ParsePrivateKey(kp.Key)
	if err != nil {
		return nil, field.Invalid(p.Child("key"), "<secret>", err.Error())
	}
	pub, ok := key.(interface{ Public() crypto.PublicKey })
	if !ok || !publicKeysEqual(pub.Public(), cert.PublicKey) {
		return nil, field.Invalid(p.Child("key"), "<secret>", "does not belong to the certificate "+cert.Subject.CommonName)
	}
	if now.After(cert.NotAfter) {
		return nil, field.Invalid(p.Child("cert"), cert.Subject.CommonName, "expired on "+cert.NotAfter.UTC().Format(time.RFC3339))
	}
	if now.Before(cert.NotBefore) {
		return nil, field.Invalid(p.Child("cert"), cert.Subject.CommonName, "is not valid before "+cert.NotBefore.UTC().Format(time.RFC3339))
	}
	return cert, nil
}

func usageName(u x509.ExtKeyUsage) string {
	switch u {
	case x509.ExtKeyUsageServerAuth:
		return "server auth"
	case x509.ExtKeyUsageClientAuth:
		return "client auth"
	}
	return fmt.Sprintf("extended usage %d", u)
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	ea, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ea.Equal(b)
}

func newCA(cn string, o Options) (KeyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return KeyPair{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             o.Now.Add(-time.Minute).UTC(),
		NotAfter:              o.Now.Add(o.CAValidity).UTC(),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return KeyPair{}, err
	}
	k, err := encodeKey(key)
	return KeyPair{Cert: encodeCert(der), Key: k}, err
}

func newLeaf(ca KeyPair, cn string, orgs []string, usages []x509.ExtKeyUsage, sans []string, o Options) (KeyPair, error) {
	caCert, err := ParseCertificate(ca.Cert)
	if err != nil {
		return KeyPair{}, err
	}
	caKey, err := ParsePrivateKey(ca.Key)
	if err != nil {
		return KeyPair{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return KeyPair{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn, Organization: orgs},
		NotBefore:    o.Now.Add(-time.Minute).UTC(),
		NotAfter:     o.Now.Add(o.LeafValidity).UTC(),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  usages,
	}
	if tmpl.NotAfter.After(caCert.NotAfter) {
		tmpl.NotAfter = caCert.NotAfter
	}
	for _, s := range sans {
		if ip := net.ParseIP(s); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, s)
		}
	}
	signer, ok := caKey.(crypto.Signer)
	if !ok {
		return KeyPair{}, errors.New("the CA key cannot sign")
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, signer)
	if err != nil {
		return KeyPair{}, err
	}
	k, err := encodeKey(key)
	return KeyPair{Cert: encodeCert(der), Key: k}, err
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n
}

func encodeCert(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func encodeKey(key *ecdsa.PrivateKey) (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// ParseCertificate parses the first PEM certificate in s.
func ParseCertificate(s string) (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("is not a PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}

// ParsePrivateKey parses a PEM private key in PKCS#8, PKCS#1 or SEC 1 form.
func ParsePrivateKey(s string) (crypto.PrivateKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("is not a PEM private key")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	return nil, errors.New("is not a PKCS#8, PKCS#1 or EC private key")
}

// PublicKeyPEM returns the PEM public key of a PEM private key (the API server's sa.pub).
func PublicKeyPEM(privateKeyPEM string) (string, error) {
	k, err := ParsePrivateKey(privateKeyPEM)
	if err != nil {
		return "", err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return "", errors.New("the key has no public half")
	}
	der, err := x509.MarshalPKIXPublicKey(s.Public())
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}
