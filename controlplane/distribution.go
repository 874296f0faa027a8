package controlplane

import (
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden/config"
)

// kubeadm's configuration types live in k8s.io/kubernetes, which cannot be imported as a library without
// replacing every staging module; these are the fields of kubeadm.k8s.io/v1beta4 (and v1beta3) that
// kubeharden sets, with kubeadm's own JSON names.
type kubeadmArg struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type kubeadmVolume struct {
	Name      string `json:"name"`
	HostPath  string `json:"hostPath"`
	MountPath string `json:"mountPath"`
	ReadOnly  bool   `json:"readOnly"`
	PathType  string `json:"pathType"`
}

type kubeadmComponent struct {
	ExtraArgs    any             `json:"extraArgs,omitempty"`
	ExtraVolumes []kubeadmVolume `json:"extraVolumes,omitempty"`
	CertSANs     []string        `json:"certSANs,omitempty"`
}

type kubeadmClusterConfiguration struct {
	APIVersion        string            `json:"apiVersion"`
	Kind              string            `json:"kind"`
	KubernetesVersion string            `json:"kubernetesVersion"`
	CertificatesDir   string            `json:"certificatesDir"`
	Networking        map[string]string `json:"networking"`
	APIServer         kubeadmComponent  `json:"apiServer"`
	ControllerManager kubeadmComponent  `json:"controllerManager"`
	Scheduler         kubeadmComponent  `json:"scheduler"`
	Etcd              struct {
		Local kubeadmComponent `json:"local"`
	} `json:"etcd"`
}

// KubeadmExtraArgs are the flags kubeharden gives kubeadm for each component, by binary name, as the
// ClusterConfiguration's extraArgs: every API server flag, and the hardened ones of the others (kubeadm
// sets their kubeconfigs, certificates and data paths itself).
func KubeadmExtraArgs(p config.Resolved) map[string]Args {
	return map[string]Args{
		"kube-apiserver":          APIServerArgs(p),
		"kube-controller-manager": pick(ControllerManagerArgs(p), "bind-address", "profiling", "use-service-account-credentials", "terminated-pod-gc-threshold", "tls-min-version", "tls-cipher-suites"),
		"kube-scheduler":          pick(SchedulerArgs(p), "bind-address", "profiling", "tls-min-version", "tls-cipher-suites"),
		"etcd":                    pick(EtcdArgs(p, EtcdMember{}), "client-cert-auth", "peer-client-cert-auth", "auto-tls", "peer-auto-tls", "tls-min-version", "cipher-suites"),
	}
}

// KubeadmConfig renders a kubeadm ClusterConfiguration and KubeletConfiguration (two YAML documents)
// carrying every hardened flag, and mounting the policy files into the static pods.
func KubeadmConfig(p config.Resolved) (string, error) {
	c := p.ControlPlane
	paths := Paths{Root: c.Root}
	v4 := Supports(p, KubeadmV1Beta4)
	args := func(a Args) any {
		if !v4 { // v1beta3: a map
			return map[string]string(a)
		}
		names := slices.Sorted(maps.Keys(a))
		list := make([]kubeadmArg, len(names))
		for i, n := range names {
			list[i] = kubeadmArg{Name: n, Value: a[n]}
		}
		return list
	}
	cc := kubeadmClusterConfiguration{
		APIVersion:        "kubeadm.k8s.io/v1beta3",
		Kind:              "ClusterConfiguration",
		KubernetesVersion: "v" + strings.TrimPrefix(p.KubernetesVersion, "v"),
		CertificatesDir:   filepath.Join(c.Root, "pki"),
		Networking:        map[string]string{"serviceSubnet": c.APIServer.ServiceClusterIPRange},
	}
	if v4 {
		cc.APIVersion = "kubeadm.k8s.io/v1beta4"
	}
	extra := KubeadmExtraArgs(p)
	api := extra["kube-apiserver"]
	cc.APIServer = kubeadmComponent{ExtraArgs: args(api), CertSANs: append([]string(nil), c.APIServer.SANs...)}
	// kubeadm mounts the pki folder; the policy files and the audit log need mounts of their own.
	mount := func(name, path string, readOnly bool, pathType string) {
		cc.APIServer.ExtraVolumes = append(cc.APIServer.ExtraVolumes, kubeadmVolume{Name: name, HostPath: path, MountPath: path, ReadOnly: readOnly, PathType: pathType})
	}
	mount("encryption-config", paths.EncryptionConfig(), true, "File")
	mount("audit-policy", paths.AuditPolicy(), true, "File")
	mount("admission-config", paths.AdmissionConfig(), true, "File")
	mount("audit-log", filepath.Dir(c.Audit.LogPath), false, "DirectoryOrCreate")
	if _, ok := api["authentication-config"]; ok {
		mount("authentication-config", paths.AuthenticationConfig(), true, "File")
	}
	if _, ok := api["audit-webhook-config-file"]; ok {
		mount("audit-webhook", paths.AuditWebhookKubeconfig(), true, "File")
	}
	cc.ControllerManager = kubeadmComponent{ExtraArgs: args(extra["kube-controller-manager"])}
	cc.Scheduler = kubeadmComponent{ExtraArgs: args(extra["kube-scheduler"])}
	cc.Etcd.Local = kubeadmComponent{ExtraArgs: args(extra["etcd"])}

	clusterYAML, err := marshal(cc)
	if err != nil {
		return "", err
	}
	kubeletYAML, err := marshal(KubeletConfig(p))
	if err != nil {
		return "", err
	}
	return clusterYAML + "---\n" + kubeletYAML, nil
}

// K3sConfig renders k3s's config.yaml: the hardened flags of its embedded components, with kubeharden's
// encryption, audit and admission files. k3s keeps a PKI of its own (with its own etcd CA).
func K3sConfig(p config.Resolved) (string, error) {
	c := p.ControlPlane
	list := func(a Args) []string {
		flags := a.Flags()
		for i, f := range flags {
			flags[i] = strings.TrimPrefix(f, "--")
		}
		return flags
	}
	api := pick(APIServerArgs(p), "anonymous-auth", "authentication-config", "profiling", "service-account-lookup", "service-account-extend-token-expiration",
		"enable-admission-plugins", "admission-control-config-file", "encryption-provider-config",
		"audit-policy-file", "audit-log-path", "audit-log-maxage", "audit-log-maxbackup", "audit-log-maxsize",
		"audit-webhook-config-file", "audit-webhook-mode", "audit-webhook-batch-max-wait", "tls-min-version", "tls-cipher-suites")
	k := KubeletConfig(p)
	kubelet := Args{
		"streaming-connection-idle-timeout": c.Kubelet.StreamingConnectionIdleTimeout,
		"make-iptables-util-chains":         "true",
		"pod-max-pids":                      strconv.FormatInt(*k.PodPidsLimit, 10),
		"seccomp-default":                   "true",
		"tls-min-version":                   c.TLS.MinVersion,
		"tls-cipher-suites":                 strings.Join(c.TLS.CipherSuites, ","),
		"rotate-server-certificates":        "true",
	}
	doc := map[string]any{
		"protect-kernel-defaults":     true,
		"tls-san":                     append([]string(nil), c.APIServer.SANs...),
		"service-cidr":                c.APIServer.ServiceClusterIPRange,
		"kube-apiserver-arg":          list(api),
		"kube-controller-manager-arg": list(pick(ControllerManagerArgs(p), "profiling", "use-service-account-credentials", "terminated-pod-gc-threshold", "bind-address", "tls-min-version", "tls-cipher-suites")),
		"kube-scheduler-arg":          list(pick(SchedulerArgs(p), "profiling", "bind-address", "tls-min-version", "tls-cipher-suites")),
		"kubelet-arg":                 list(kubelet),
		"etcd-arg":                    list(pick(EtcdArgs(p, EtcdMember{}), "tls-min-version", "cipher-suites")),
	}
	return marshal(doc)
}

// pick returns the named args that a has.
func pick(a Args, names ...string) Args {
	out := Args{}
	for _, n := range names {
		if v, ok := a[n]; ok {
			out[n] = v
		}
	}
	return out
}
