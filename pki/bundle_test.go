package pki

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenerateMakesAValidBundleWithASeparateEtcdCA(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	b, err := Generate(Options{SANs: []string{"api.example.com", "10.0.0.10"}, ServiceIP: "10.96.0.1", Now: now})
	require.NoError(t, err)
	require.Empty(t, b.Validate(now))

	cluster, err := ParseCertificate(b.ClusterCA.Cert)
	require.NoError(t, err)
	etcd, err := ParseCertificate(b.EtcdCA.Cert)
	require.NoError(t, err)
	assert.NotEqual(t, cluster.Raw, etcd.Raw)

	api, err := ParseCertificate(b.APIServer.Cert)
	require.NoError(t, err)
	assert.Contains(t, api.DNSNames, "api.example.com")
	assert.Contains(t, api.DNSNames, "kubernetes.default.svc.cluster.local")
	var ips []string
	for _, ip := range api.IPAddresses {
		ips = append(ips, ip.String())
	}
	assert.ElementsMatch(t, []string{"127.0.0.1", "10.96.0.1", "10.0.0.10"}, ips)
	assert.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, api.ExtKeyUsage)

	etcdClient, err := ParseCertificate(b.APIServerEtcdClient.Cert)
	require.NoError(t, err)
	assert.NoError(t, etcdClient.CheckSignatureFrom(etcd), "the apiserver's etcd client certificate comes from the etcd CA")
	assert.Error(t, etcdClient.CheckSignatureFrom(cluster), "and not from the cluster CA")

	admin, err := ParseCertificate(b.Admin.Cert)
	require.NoError(t, err)
	assert.Equal(t, []string{"system:masters"}, admin.Subject.Organization)

	exp := b.Expiries()
	assert.Len(t, exp, len(Names())-2, "no audit webhook named: neither of its two certificates is made")
	assert.Empty(t, b.AuditWebhookClient)
	assert.Equal(t, now.Add(365*24*time.Hour), b.EarliestExpiry(), "a bundle without them is not expired")
	assert.Equal(t, now.Add(365*24*time.Hour), exp["apiServer"])
	assert.Equal(t, now.Add(10*365*24*time.Hour), exp["etcdCA"])
}

func TestGenerateAroundABroughtClusterCA(t *testing.T) {
	now := time.Now()
	own, err := Generate(Options{Now: now})
	require.NoError(t, err)
	b, err := Generate(Options{ClusterCA: &own.ClusterCA, Now: now})
	require.NoError(t, err)
	assert.Equal(t, own.ClusterCA, b.ClusterCA)
	assert.NotEqual(t, own.EtcdCA, b.EtcdCA)
	assert.Empty(t, b.Validate(now))
}

func TestValidateFindsBrokenMaterial(t *testing.T) {
	now := time.Now()
	good, err := Generate(Options{Now: now})
	require.NoError(t, err)
	other, err := Generate(Options{Now: now})
	require.NoError(t, err)

	cases := []struct {
		name   string
		change func(b *Bundle)
		want   string
	}{
		{"mismatched CA key", func(b *Bundle) { b.ClusterCA.Key = other.ClusterCA.Key },
			"pki.clusterCA.key: Invalid value: \"<secret>\": does not belong to the certificate kubernetes"},
		{"etcd CA is the cluster CA", func(b *Bundle) { b.EtcdCA = b.ClusterCA },
			"pki.etcdCA: Forbidden: etcd needs a CA of its own, separate from the cluster CA (NSA/CISA v1.2)"},
		{"leaf from another CA", func(b *Bundle) { b.APIServerEtcdClient = other.APIServerEtcdClient },
			"pki.apiServerEtcdClient.cert: Invalid value: \"kube-apiserver-etcd-client\": is not signed by the etcd CA"},
		{"not PEM", func(b *Bundle) { b.Admin.Cert = "hello" },
			"pki.admin.cert: Invalid value: \"<pem>\": is not a PEM certificate"},
		{"admin certificate as the API server's", func(b *Bundle) { b.APIServer = b.Admin },
			"pki.apiServer.cert: Invalid value: \"kubernetes-admin\": must be the certificate of kube-apiserver (its common name)"},
		{"client certificate as etcd's server certificate", func(b *Bundle) { b.EtcdServer = b.APIServerEtcdClient },
			"pki.etcdServer.cert: Invalid value: \"kube-apiserver-etcd-client\": lacks the server auth key usage the etcdServer certificate needs"},
		{"leaf as CA", func(b *Bundle) { b.FrontProxyCA = b.FrontProxyClient },
			"pki.frontProxyCA.cert: Invalid value: \"front-proxy-client\": is not a CA certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := *good
			tc.change(&b)
			errs := b.Validate(now)
			require.NotEmpty(t, errs)
			assert.Contains(t, errs.ToAggregate().Error(), tc.want)
		})
	}

	t.Run("expired", func(t *testing.T) {
		errs := good.Validate(now.Add(2 * 365 * 24 * time.Hour))
		require.NotEmpty(t, errs)
		assert.Contains(t, errs.ToAggregate().Error(), "pki.apiServer.cert: Invalid value: \"kube-apiserver\": expired on ")
	})
}

func TestGenerateRefusesAnExpiredBroughtCA(t *testing.T) {
	old, err := Generate(Options{Now: time.Now().Add(-3 * time.Hour), CAValidity: time.Hour})
	require.NoError(t, err)
	_, err = Generate(Options{ClusterCA: &old.ClusterCA})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "clusterCA.cert: Invalid value: \"kubernetes\": expired on")
}

// TestTheAuditWebhookCertificatesAreMadeWhereTheReceiverIsNamed: with the receiver's names, the bundle
// holds its serving certificate (those names, server auth) and the API server's client certificate to it
// (AuditWebhookClientCN, client auth), both from the cluster CA; a broken one is refused like any other.
func TestTheAuditWebhookCertificatesAreMadeWhereTheReceiverIsNamed(t *testing.T) {
	now := time.Now()
	b, err := Generate(Options{AuditWebhookSANs: []string{"127.0.0.1", "audit.example.com"}, Now: now})
	require.NoError(t, err)
	require.Empty(t, b.Validate(now))
	assert.Len(t, b.Expiries(), len(Names()))
	ca, err := ParseCertificate(b.ClusterCA.Cert)
	require.NoError(t, err)
	server, err := ParseCertificate(b.AuditWebhookServer.Cert)
	require.NoError(t, err)
	assert.Equal(t, []string{"audit.example.com"}, server.DNSNames)
	assert.Equal(t, "127.0.0.1", server.IPAddresses[0].String())
	assert.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, server.ExtKeyUsage)
	assert.NoError(t, server.CheckSignatureFrom(ca))
	client, err := ParseCertificate(b.AuditWebhookClient.Cert)
	require.NoError(t, err)
	assert.Equal(t, AuditWebhookClientCN, client.Subject.CommonName)
	assert.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, client.ExtKeyUsage)
	assert.NoError(t, client.CheckSignatureFrom(ca))

	b.AuditWebhookServer.Key = b.Admin.Key
	assert.NotEmpty(t, b.Validate(now), "a serving certificate with another's key")
}
