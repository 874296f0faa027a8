package config

// ControlPlane is the hardening of the control-plane nodes: encryption at rest, audit, TLS, Pod Security
// admission defaults and the API server's own settings. Secrets (encryption keys, private keys) are not
// part of the profile: they come from the stack's secret config.
type ControlPlane struct {
	// Root is the folder the control-plane files are written to on a node, such as /etc/kubernetes.
	Root string `json:"root"`
	// Encryption configures encryption of resources at rest in etcd.
	Encryption Encryption `json:"encryption"`
	// Audit configures the API server's audit log.
	Audit Audit `json:"audit"`
	// TLS is the TLS profile of the API server, the kubelet and etcd.
	TLS TLS `json:"tls"`
	// APIServer holds the API server's addressing.
	APIServer APIServer `json:"apiServer"`
	// Admission holds the cluster-wide Pod Security Admission defaults.
	Admission Admission `json:"admission"`
	// Kubelet holds the hardened settings of every kubelet.
	Kubelet Kubelet `json:"kubelet"`
	// OIDC, when its issuer is set, adds an OIDC issuer through an AuthenticationConfiguration.
	OIDC OIDC `json:"oidc"`
	// Distribution selects the extra rendering: kubeadm (ClusterConfiguration) or k3s (config.yaml).
	Distribution string `json:"distribution"`
}

// Kubelet holds the kubelet settings the profile can change; the rest are fixed to CIS values.
type Kubelet struct {
	// PodPidsLimit caps the processes of one pod (CIS 4.2.13).
	PodPidsLimit int `json:"podPidsLimit"`
	// StreamingConnectionIdleTimeout closes idle exec and port-forward streams (CIS 4.2.5), such as "5m".
	StreamingConnectionIdleTimeout string `json:"streamingConnectionIdleTimeout"`
	// ClusterDNS are the cluster DNS Service addresses.
	ClusterDNS []string `json:"clusterDNS"`
	// SeccompAuditProfile ships kubeharden's audit seccomp profile to every node's kubelet seccomp folder
	// (the guide: system calls watched with Seccomp in audit mode): a Localhost profile that allows and
	// logs every system call (SCMP_ACT_LOG) to the kernel's audit log, which the log agent collects from
	// the journal. Tenants run under it with seccompAudit.
	SeccompAuditProfile bool `json:"seccompAuditProfile,omitempty"`
}

// OIDC is an OIDC identity provider for human users.
type OIDC struct {
	// IssuerURL is the provider's https issuer URL; empty means no OIDC.
	IssuerURL string `json:"issuerURL"`
	// Audiences are the client IDs the tokens must be issued for.
	Audiences []string `json:"audiences"`
	// UsernameClaim and GroupsClaim name the token claims for the user name and groups.
	UsernameClaim string `json:"usernameClaim"`
	GroupsClaim   string `json:"groupsClaim"`
	// Prefix is put before user names and groups, so that they cannot pose as system users.
	Prefix string `json:"prefix"`
}

// Encryption selects how resources are encrypted at rest.
type Encryption struct {
	// Provider is the first (writing) provider: aescbc, aesgcm, secretbox or kms (KMS v2).
	Provider string `json:"provider"`
	// Resources are the resources to encrypt; secrets at least.
	Resources []string `json:"resources"`
	// KMS configures the KMS v2 plugin when Provider is kms.
	KMS *KMS `json:"kms,omitempty"`
	// AllowIdentityLast keeps the identity provider last so that data written before encryption was
	// turned on stays readable. Only while migrating.
	AllowIdentityLast bool `json:"allowIdentityLast,omitempty"`
}

// KMS is a KMS v2 plugin.
type KMS struct {
	// Name is the plugin's name, unique in the encryption configuration.
	Name string `json:"name"`
	// Endpoint is the plugin's gRPC endpoint, such as unix:///var/run/kms-plugin/socket.sock.
	Endpoint string `json:"endpoint"`
}

// Audit configures the API server's audit log backend.
type Audit struct {
	// LogPath is where the API server writes the audit log.
	LogPath string `json:"logPath"`
	// MaxAge is how many days old log files are kept (CIS 1.2.17: 30 or more).
	MaxAge int `json:"maxAge"`
	// MaxBackup is how many old log files are kept (CIS 1.2.18: 10 or more).
	MaxBackup int `json:"maxBackup"`
	// MaxSize is the size in megabytes at which the log is rotated (CIS 1.2.19: 100 or more).
	MaxSize int `json:"maxSize"`
	// WebhookServer, when set, also sends audit events in batches to this https URL, over mutual TLS: the
	// API server presents a client certificate from kubeharden's PKI (pki.AuditWebhookClientCN), and the
	// PKI also issues the receiver a serving certificate for the URL's host (`kubeharden audit serve`).
	WebhookServer string `json:"webhookServer,omitempty"`
	// WebhookCA is the PEM certificate of the CA that signed the receiver's serving certificate, for a
	// receiver kubeharden's PKI did not issue one to (a SIEM's collector); empty means the cluster CA.
	WebhookCA string `json:"webhookCA,omitempty"`
}

// TLS is a TLS profile.
type TLS struct {
	// MinVersion is VersionTLS12 or VersionTLS13.
	MinVersion string `json:"minVersion"`
	// CipherSuites are the TLS 1.2 cipher suites allowed (TLS 1.3 suites are not configurable).
	CipherSuites []string `json:"cipherSuites"`
}

// APIServer holds the API server's addressing.
type APIServer struct {
	// SecurePort is the API server's HTTPS port.
	SecurePort int `json:"securePort"`
	// AdvertiseAddress is the address the API server advertises to the cluster.
	AdvertiseAddress string `json:"advertiseAddress"`
	// SANs are the extra DNS names and IP addresses of the serving certificate.
	SANs []string `json:"sans"`
	// ServiceClusterIPRange is the Service IP range.
	ServiceClusterIPRange string `json:"serviceClusterIPRange"`
	// ServiceAccountIssuer is the issuer of service-account tokens.
	ServiceAccountIssuer string `json:"serviceAccountIssuer"`
	// EtcdServers are the etcd client URLs.
	EtcdServers []string `json:"etcdServers"`
}

// Admission holds the Pod Security Admission defaults for namespaces that carry no labels of their own.
type Admission struct {
	// Enforce is the default enforced level: baseline or restricted.
	Enforce string `json:"enforce"`
	// Audit and Warn are the default audit and warn levels.
	Audit string `json:"audit"`
	Warn  string `json:"warn"`
	// Exemptions are the users, runtime classes and namespaces Pod Security does not check, each with
	// the reason kept for the compliance report.
	Exemptions []Exemption `json:"exemptions"`
}

// Exemption is one Pod Security exemption.
type Exemption struct {
	// Kind is namespace, username or runtimeClass.
	Kind string `json:"kind"`
	// Name is the exempted namespace, user or runtime class.
	Name string `json:"name"`
	// Reason says why; it is required.
	Reason string `json:"reason"`
}
