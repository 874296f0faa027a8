package controlplane

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden/config"
)

// Args are a component's command-line flags by name (without the leading dashes).
type Args map[string]string

// Flags returns the flags as "--name=value", sorted by name.
func (a Args) Flags() []string {
	names := slices.Sorted(maps.Keys(a))
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "--" + n + "=" + a[n]
	}
	return out
}

func tlsArgs(tls config.TLS) Args {
	a := Args{"tls-min-version": tls.MinVersion}
	if len(tls.CipherSuites) > 0 {
		a["tls-cipher-suites"] = strings.Join(tls.CipherSuites, ",")
	}
	return a
}

// APIServerArgs are kube-apiserver's hardened flags (CIS 1.2.x).
func APIServerArgs(p config.Resolved) Args {
	c := p.ControlPlane
	paths := Paths{Root: c.Root}
	a := tlsArgs(c.TLS)
	for k, v := range map[string]string{
		"secure-port":                   strconv.Itoa(c.APIServer.SecurePort),
		"anonymous-auth":                "false",           // 1.2.1
		"authorization-mode":            "Node,RBAC",       // 1.2.6-1.2.8
		"enable-admission-plugins":      "NodeRestriction", // 1.2.14; PodSecurity is on by default
		"admission-control-config-file": paths.AdmissionConfig(),
		"profiling":                     "false", // 1.2.15
		"service-account-lookup":        "true",  // 1.2.21
		// Projected tokens expire when they say: no year-long extension for clients that do not refresh them
		// (the k3s CIS hardening guide sets it too).
		"service-account-extend-token-expiration": "false",
		"service-account-key-file":                paths.ServiceAccountPublic(),
		"service-account-signing-key-file":        paths.ServiceAccountKey(),
		"service-account-issuer":                  c.APIServer.ServiceAccountIssuer,
		"service-cluster-ip-range":                c.APIServer.ServiceClusterIPRange,
		"client-ca-file":                          paths.CACert(), // 1.2.24
		"tls-cert-file":                           paths.APIServerCert(),
		"tls-private-key-file":                    paths.APIServerKey(),
		"kubelet-certificate-authority":           paths.CACert(), // 1.2.5
		"kubelet-client-certificate":              paths.KubeletClientCert(),
		"kubelet-client-key":                      paths.KubeletClientKey(),
		"etcd-servers":                            strings.Join(c.APIServer.EtcdServers, ","),
		"etcd-cafile":                             paths.EtcdCACert(),     // 1.2.26
		"etcd-certfile":                           paths.EtcdClientCert(), // 1.2.23
		"etcd-keyfile":                            paths.EtcdClientKey(),
		"encryption-provider-config":              paths.EncryptionConfig(), // 1.2.27
		"audit-policy-file":                       paths.AuditPolicy(),      // 3.2.1
		"audit-log-path":                          c.Audit.LogPath,          // 1.2.16
		"audit-log-maxage":                        strconv.Itoa(c.Audit.MaxAge),
		"audit-log-maxbackup":                     strconv.Itoa(c.Audit.MaxBackup),
		"audit-log-maxsize":                       strconv.Itoa(c.Audit.MaxSize),
		"requestheader-client-ca-file":            paths.FrontProxyCACert(),
		"requestheader-allowed-names":             "front-proxy-client",
		"requestheader-extra-headers-prefix":      "X-Remote-Extra-",
		"requestheader-group-headers":             "X-Remote-Group",
		"requestheader-username-headers":          "X-Remote-User",
		"proxy-client-cert-file":                  paths.FrontProxyClientCert(),
		"proxy-client-key-file":                   paths.FrontProxyClientKey(),
		// Privileged pods stay possible for the exempted system namespaces; Pod Security decides.
		"allow-privileged": "true",
	} {
		a[k] = v
	}
	if addr := c.APIServer.AdvertiseAddress; addr != "" {
		a["advertise-address"] = addr
		if ip, err := netip.ParseAddr(addr); err == nil && ip.IsLoopback() {
			a["bind-address"] = addr
		}
	}
	if c.Audit.WebhookServer != "" {
		a["audit-webhook-config-file"] = paths.AuditWebhookKubeconfig()
		a["audit-webhook-mode"] = "batch"
		// A detection is worth what it is late by: a batch leaves within 5 s, not the default 30 s.
		a["audit-webhook-batch-max-wait"] = "5s"
	}
	if c.OIDC.IssuerURL != "" {
		a["authentication-config"] = paths.AuthenticationConfig()
		if Supports(p, AnonymousInAuthenticationConfig) {
			delete(a, "anonymous-auth") // the file says anonymous: {enabled: false}; the flag may not be set beside it
		}
	}
	return a
}

// EtcdMember is one etcd member's name, data folder and URLs.
type EtcdMember struct {
	Name      string
	DataDir   string
	ClientURL string // such as https://127.0.0.1:2379
	PeerURL   string // such as https://127.0.0.1:2380
}

// EtcdArgs are etcd's hardened flags (CIS 2.1-2.7): mutual TLS for clients and peers from the etcd CA,
// no self-signed automatic TLS.
func EtcdArgs(p config.Resolved, m EtcdMember) Args {
	paths := Paths{Root: p.ControlPlane.Root}
	a := Args{
		"name":                        m.Name,
		"data-dir":                    m.DataDir,
		"listen-client-urls":          m.ClientURL,
		"advertise-client-urls":       m.ClientURL,
		"listen-peer-urls":            m.PeerURL,
		"initial-advertise-peer-urls": m.PeerURL,
		"initial-cluster":             m.Name + "=" + m.PeerURL,
		"cert-file":                   paths.EtcdServerCert(),
		"key-file":                    paths.EtcdServerKey(),
		"trusted-ca-file":             paths.EtcdCACert(),
		"client-cert-auth":            "true",  // 2.2
		"auto-tls":                    "false", // 2.3
		"peer-cert-file":              paths.EtcdPeerCert(),
		"peer-key-file":               paths.EtcdPeerKey(),
		"peer-trusted-ca-file":        paths.EtcdCACert(),
		"peer-client-cert-auth":       "true",  // 2.5
		"peer-auto-tls":               "false", // 2.6
		"tls-min-version":             etcdTLSVersion(p.ControlPlane.TLS.MinVersion),
	}
	if p.ControlPlane.TLS.MinVersion != "VersionTLS13" && len(p.ControlPlane.TLS.CipherSuites) > 0 {
		a["cipher-suites"] = strings.Join(p.ControlPlane.TLS.CipherSuites, ",")
	}
	return a
}

func etcdTLSVersion(v string) string {
	if v == "VersionTLS13" {
		return "TLS1.3"
	}
	return "TLS1.2"
}

// ControllerManagerArgs are kube-controller-manager's hardened flags (CIS 1.3.x).
func ControllerManagerArgs(p config.Resolved) Args {
	paths := Paths{Root: p.ControlPlane.Root}
	a := tlsArgs(p.ControlPlane.TLS)
	for k, v := range map[string]string{
		"kubeconfig":                       paths.ControllerManagerKubeconfig(),
		"authentication-kubeconfig":        paths.ControllerManagerKubeconfig(),
		"authorization-kubeconfig":         paths.ControllerManagerKubeconfig(),
		"bind-address":                     "127.0.0.1",               // 1.3.7
		"profiling":                        "false",                   // 1.3.2
		"use-service-account-credentials":  "true",                    // 1.3.3
		"terminated-pod-gc-threshold":      "1000",                    // 1.3.1
		"service-account-private-key-file": paths.ServiceAccountKey(), // 1.3.4
		"root-ca-file":                     paths.CACert(),            // 1.3.5
		"cluster-signing-cert-file":        paths.CACert(),
		"cluster-signing-key-file":         paths.CAKey(),
		"requestheader-client-ca-file":     paths.FrontProxyCACert(),
		"client-ca-file":                   paths.CACert(),
	} {
		a[k] = v
	}
	return a
}

// SchedulerArgs are kube-scheduler's hardened flags (CIS 1.4.x).
func SchedulerArgs(p config.Resolved) Args {
	paths := Paths{Root: p.ControlPlane.Root}
	a := tlsArgs(p.ControlPlane.TLS)
	for k, v := range map[string]string{
		"kubeconfig":                paths.SchedulerKubeconfig(),
		"authentication-kubeconfig": paths.SchedulerKubeconfig(),
		"authorization-kubeconfig":  paths.SchedulerKubeconfig(),
		"bind-address":              "127.0.0.1", // 1.4.2
		"profiling":                 "false",     // 1.4.1
	} {
		a[k] = v
	}
	return a
}

// APIServerURL is the URL components on the control-plane node use to reach the API server.
func APIServerURL(p config.Resolved) string {
	host := "127.0.0.1"
	if a := p.ControlPlane.APIServer.AdvertiseAddress; a != "" {
		host = a
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.Is6() {
		host = "[" + host + "]"
	}
	return fmt.Sprintf("https://%s:%d", host, p.ControlPlane.APIServer.SecurePort)
}
