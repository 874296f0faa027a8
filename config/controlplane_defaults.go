package config

// CISCipherSuites are the strong TLS 1.2 cipher suites of CIS Kubernetes Benchmark 1.2.29 / 4.2.12
// (ECDHE key exchange, AEAD ciphers only).
var CISCipherSuites = []string{
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
}

// SetDefaultsControlPlane fills the zero-valued fields of c.
func SetDefaultsControlPlane(c *ControlPlane) {
	// kubeadm's layout, which k3s can be pointed at as well.
	setDefault(&c.Root, "/etc/kubernetes")

	// secretbox (XSalsa20-Poly1305) is authenticated and, unlike aesgcm, needs no key rotation every
	// 200,000 writes; aescbc is weak against padding-oracle attacks. KMS v2 is preferred where a KMS
	// plugin runs, but that cannot be assumed.
	setDefault(&c.Encryption.Provider, "secretbox")
	if c.Encryption.Resources == nil {
		c.Encryption.Resources = []string{"secrets"}
	}

	// CIS 1.2.16-1.2.19.
	setDefault(&c.Audit.LogPath, "/var/log/kubernetes/audit/audit.log")
	setDefaultInt(&c.Audit.MaxAge, 30)
	setDefaultInt(&c.Audit.MaxBackup, 10)
	setDefaultInt(&c.Audit.MaxSize, 100)

	// NSA/CISA: TLS 1.2 or 1.3 for all control-plane traffic; CIS 1.2.29 strong ciphers.
	setDefault(&c.TLS.MinVersion, "VersionTLS12")
	if c.TLS.CipherSuites == nil {
		c.TLS.CipherSuites = append([]string(nil), CISCipherSuites...)
	}

	// kubeadm's defaults.
	setDefaultInt(&c.APIServer.SecurePort, 6443)
	setDefault(&c.APIServer.ServiceClusterIPRange, "10.96.0.0/12")
	setDefault(&c.APIServer.ServiceAccountIssuer, "https://kubernetes.default.svc.cluster.local")
	if c.APIServer.EtcdServers == nil {
		c.APIServer.EtcdServers = []string{"https://127.0.0.1:2379"}
	}

	// Namespaces without labels get restricted too; kube-system runs the node agents (CNI, kube-proxy)
	// that need host access, so it is exempted by default, with that reason on record.
	setDefault(&c.Admission.Enforce, "restricted")
	setDefault(&c.Admission.Audit, "restricted")
	setDefault(&c.Admission.Warn, "restricted")
	setDefaultsKubeletAndOIDC(c)
	if c.Admission.Exemptions == nil {
		c.Admission.Exemptions = []Exemption{{
			Kind: "namespace", Name: "kube-system",
			Reason: "cluster components (CNI, kube-proxy, CSI node plugins) need host namespaces and host paths",
		}}
	}
}

func setDefaultsKubeletAndOIDC(c *ControlPlane) {
	// CIS 4.2.13 asks for a limit without naming one; 4096 leaves room for busy JVMs and shells.
	setDefaultInt(&c.Kubelet.PodPidsLimit, 4096)
	// CIS 4.2.5: not 0 (never); 5 minutes is the benchmark's example.
	setDefault(&c.Kubelet.StreamingConnectionIdleTimeout, "5m")
	if c.Kubelet.ClusterDNS == nil {
		c.Kubelet.ClusterDNS = []string{"10.96.0.10"} // kubeadm's: the 10th address of its Service range
	}
	setDefault(&c.Distribution, "kubeadm")
	if c.OIDC.IssuerURL != "" {
		setDefault(&c.OIDC.UsernameClaim, "email")
		setDefault(&c.OIDC.GroupsClaim, "groups")
		setDefault(&c.OIDC.Prefix, "oidc:") // keeps OIDC users apart from system: names
	}
}

func setDefaultInt(i *int, v int) {
	if *i == 0 {
		*i = v
	}
}
