package controlplane

import (
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/kubeharden/kubeharden/config"
)

// KubeletConfig is every kubelet's hardened configuration (CIS 4.2.x). readOnlyPort is 0, the
// configuration file's default (the field is left out when 0).
func KubeletConfig(p config.Resolved) *kubeletv1beta1.KubeletConfiguration {
	c := p.ControlPlane
	idle, _ := time.ParseDuration(c.Kubelet.StreamingConnectionIdleTimeout) // validated
	k := &kubeletv1beta1.KubeletConfiguration{
		Authentication: kubeletv1beta1.KubeletAuthentication{
			Anonymous: kubeletv1beta1.KubeletAnonymousAuthentication{Enabled: ptr.To(false)}, // 4.2.1
			Webhook:   kubeletv1beta1.KubeletWebhookAuthentication{Enabled: ptr.To(true)},
			X509:      kubeletv1beta1.KubeletX509Authentication{ClientCAFile: Paths{Root: c.Root}.CACert()}, // 4.2.3
		},
		Authorization:                  kubeletv1beta1.KubeletAuthorization{Mode: kubeletv1beta1.KubeletAuthorizationModeWebhook}, // 4.2.2
		ReadOnlyPort:                   0,                                                                                         // 4.2.4
		StreamingConnectionIdleTimeout: metav1.Duration{Duration: idle},                                                           // 4.2.5
		MakeIPTablesUtilChains:         ptr.To(true),                                                                              // 4.2.6
		ProtectKernelDefaults:          true,
		RotateCertificates:             true, // 4.2.10
		ServerTLSBootstrap:             true, // 4.2.11: serving certificates from the cluster CA, rotated
		TLSMinVersion:                  c.TLS.MinVersion,
		TLSCipherSuites:                append([]string(nil), c.TLS.CipherSuites...), // 4.2.12
		PodPidsLimit:                   ptr.To(int64(c.Kubelet.PodPidsLimit)),        // 4.2.13
		SeccompDefault:                 ptr.To(true),
		ClusterDNS:                     append([]string(nil), c.Kubelet.ClusterDNS...),
		ClusterDomain:                  "cluster.local",
		EventRecordQPS:                 ptr.To(int32(5)), // 4.2.9: events are kept, at a bounded rate
	}
	k.APIVersion = "kubelet.config.k8s.io/v1beta1"
	k.Kind = "KubeletConfiguration"
	return k
}

// KubeletSysctls are the kernel settings the kubelet checks when protectKernelDefaults is on (CIS 4.2.6
// in older benchmarks): it refuses to start on a node whose values differ, so every node gets them, as a
// sysctl.d file (KubeletSysctls), before the kubelet starts.
var KubeletSysctls = [][2]string{
	{"vm.overcommit_memory", "1"},
	{"vm.panic_on_oom", "0"},
	{"kernel.panic", "10"},
	{"kernel.panic_on_oops", "1"},
	{"kernel.keys.root_maxkeys", "1000000"},
	{"kernel.keys.root_maxbytes", "25000000"},
}

// SeccompAuditProfile is kubeharden's audit seccomp profile, in the format of the kubelet's Localhost
// profiles (runc's): no rule, and a default action that allows each system call and logs it to the
// kernel's audit log (audit type 1326, SECCOMP).
func SeccompAuditProfile() string {
	return `{"defaultAction": "SCMP_ACT_LOG"}` + "\n"
}

// kubeletSysctlsFile renders KubeletSysctls as a sysctl.d file.
func kubeletSysctlsFile() string {
	var b strings.Builder
	b.WriteString("# The kubelet's protectKernelDefaults refuses to start with other values (kubeharden).\n")
	for _, kv := range KubeletSysctls {
		b.WriteString(kv[0] + " = " + kv[1] + "\n")
	}
	return b.String()
}
