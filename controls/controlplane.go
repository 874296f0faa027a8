package controls

import (
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

// Component is one control-plane component's command-line flags and where they were read.
type Component struct {
	// Name is the component's binary, such as "kube-apiserver".
	Name string
	// Source is the file or object the flags came from.
	Source string
	// Args are the flags by name, without dashes: the distribution's own defaults (see
	// distributionDefaults) overlaid with what the source sets.
	Args map[string]string
	// Defaulted names the flags that come from the distribution's defaults, not from the source.
	Defaulted map[string]bool
}

// Arg returns a flag's value and whether it is set.
func (c *Component) Arg(name string) (string, bool) {
	v, ok := c.Args[name]
	return v, ok
}

// ControlPlane is the control plane's settings as the inputs describe them: the components' flags from a
// kubeadm ClusterConfiguration, a k3s config.yaml or static pods, and the configuration files they name.
type ControlPlane struct {
	APIServer, ControllerManager, Scheduler, Etcd *Component
	// KubeletConfig is the KubeletConfiguration, when the inputs have one.
	KubeletConfig *manifests.Object
	// Kubelet holds kubelet flags, when the inputs give them (k3s's kubelet-arg).
	Kubelet *Component
	// Conflict, when set, says that the inputs describe more than one control plane: the control-plane
	// controls are then not evaluated, rather than judged on a mix.
	Conflict string
	configs  []manifests.Object
}

// File returns the configuration document of a kind that a flag names: the one whose file path ends with
// the flag's path, or else the only one of that kind among the inputs.
func (cp *ControlPlane) File(flagValue, kind string) (manifests.Object, bool) {
	ofKind := cp.Configs(kind)
	for _, c := range ofKind {
		if flagValue != "" && strings.HasSuffix(path.Clean("/"+c.Path), path.Clean("/"+flagValue)) {
			return c, true
		}
	}
	if len(ofKind) == 1 {
		return ofKind[0], true
	}
	return manifests.Object{}, false
}

// Configs returns the configuration documents of one kind.
func (cp *ControlPlane) Configs(kind string) []manifests.Object {
	var out []manifests.Object
	for _, c := range cp.configs {
		if c.GVK.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}

// NewControlPlane gathers the control plane's settings from the configuration documents and the
// objects of the inputs; nil when they have none.
func NewControlPlane(configs, objects []manifests.Object) (*ControlPlane, error) {
	cp := &ControlPlane{configs: configs}
	// set keeps the first settings of a component; a second source marks the inputs as two control planes.
	set := func(dst **Component, c *Component) {
		if *dst == nil {
			*dst = c
		} else if cp.Conflict == "" {
			cp.Conflict = fmt.Sprintf("the inputs describe more than one control plane (%s flags in %s and in %s): check one at a time", c.Name, (*dst).Source, c.Source)
		}
	}
	for _, cfg := range configs {
		switch {
		case cfg.GVK.Group == manifests.KubeadmGroup && cfg.GVK.Kind == "ClusterConfiguration":
			u := cfg.Typed().(*unstructured.Unstructured).Object
			for _, c := range []struct {
				dst  **Component
				name string
				at   []string
			}{
				{&cp.APIServer, "kube-apiserver", []string{"apiServer", "extraArgs"}},
				{&cp.ControllerManager, "kube-controller-manager", []string{"controllerManager", "extraArgs"}},
				{&cp.Scheduler, "kube-scheduler", []string{"scheduler", "extraArgs"}},
				{&cp.Etcd, "etcd", []string{"etcd", "local", "extraArgs"}},
			} {
				args, err := kubeadmExtraArgs(u, c.at...)
				if err != nil {
					return nil, fmt.Errorf("%s: %s: %w", cfg.Path, strings.Join(c.at, "."), err)
				}
				set(c.dst, newComponent(c.name, cfg.Path, "kubeadm", args))
			}
		case cfg.GVK == manifests.K3sConfigGVK:
			u := cfg.Typed().(*unstructured.Unstructured).Object
			for _, c := range []struct {
				dst       **Component
				name, key string
			}{
				{&cp.APIServer, "kube-apiserver", "kube-apiserver-arg"},
				{&cp.ControllerManager, "kube-controller-manager", "kube-controller-manager-arg"},
				{&cp.Scheduler, "kube-scheduler", "kube-scheduler-arg"},
				{&cp.Etcd, "etcd", "etcd-arg"},
				{&cp.Kubelet, "kubelet", "kubelet-arg"},
			} {
				list, _, err := unstructured.NestedStringSlice(u, c.key)
				if err != nil {
					return nil, fmt.Errorf("%s: %s: %w", cfg.Path, c.key, err)
				}
				set(c.dst, newComponent(c.name, cfg.Path, "k3s", parseFlags(list)))
			}
		case cfg.GVK.Kind == "KubeletConfiguration":
			k := cfg
			cp.KubeletConfig = &k
		}
	}
	// Static pods: files of /etc/kubernetes/manifests, or a live cluster's mirror pods.
	for _, o := range objects {
		if o.GVK != corev1.SchemeGroupVersion.WithKind("Pod") || o.Namespace != "kube-system" {
			continue
		}
		name := o.Meta().GetLabels()["component"]
		var dst **Component
		switch name {
		case "kube-apiserver":
			dst = &cp.APIServer
		case "kube-controller-manager":
			dst = &cp.ControllerManager
		case "kube-scheduler":
			dst = &cp.Scheduler
		case "etcd":
			dst = &cp.Etcd
		default:
			continue
		}
		pod, ok := o.Typed().(*corev1.Pod)
		if !ok || len(pod.Spec.Containers) == 0 { // one that does not decode is reported as an error of its file
			continue
		}
		c := pod.Spec.Containers[0]
		source := o.Key()
		if o.Path != "" {
			source = o.Path
		}
		if *dst != nil && (*dst).Source != source && strings.HasPrefix((*dst).Source, "Pod/") {
			continue // another control-plane node's mirror pod: the first one speaks for the cluster
		}
		set(dst, newComponent(name, source, "", parseFlags(append(append([]string(nil), c.Command...), c.Args...))))
	}
	if cp.APIServer == nil && cp.ControllerManager == nil && cp.Scheduler == nil && cp.Etcd == nil && cp.KubeletConfig == nil && len(configs) == 0 {
		return nil, nil
	}
	return cp, nil
}

func newComponent(name, source, distribution string, args map[string]string) *Component {
	c := &Component{Name: name, Source: source, Args: map[string]string{}, Defaulted: map[string]bool{}}
	for k, v := range distributionDefaults[distribution][name] {
		c.Args[k] = v
		c.Defaulted[k] = true
	}
	for k, v := range args {
		c.Args[k] = v
		delete(c.Defaulted, k)
	}
	return c
}

// parseFlags reads "--name=value" (or "name=value", as k3s writes them) into a map; a bare "--name" is "true".
func parseFlags(list []string) map[string]string {
	out := map[string]string{}
	for _, f := range list {
		if !strings.HasPrefix(f, "-") && !strings.Contains(f, "=") {
			continue // the binary's own name, or a positional argument
		}
		name, value, found := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if !found {
			value = "true"
		}
		out[name] = value
	}
	return out
}

// kubeadmExtraArgs reads extraArgs in both kubeadm forms: a map (v1beta3) or a list of name/value (v1beta4).
func kubeadmExtraArgs(u map[string]any, at ...string) (map[string]string, error) {
	raw, found, err := unstructured.NestedFieldNoCopy(u, at...)
	if err != nil || !found {
		return nil, err
	}
	out := map[string]string{}
	switch v := raw.(type) {
	case map[string]any:
		for k, val := range v {
			out[k] = fmt.Sprint(val)
		}
	case []any:
		for i, item := range v {
			m, ok := item.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("[%d]: want {name, value}", i)
			}
			out[fmt.Sprint(m["name"])] = fmt.Sprint(m["value"])
		}
	default:
		return nil, fmt.Errorf("want a map or a list of {name, value}, got %T", raw)
	}
	return out, nil
}

// kubeletConfig returns the typed KubeletConfiguration, or nil.
func (cp *ControlPlane) kubeletConfig() *kubeletv1beta1.KubeletConfiguration {
	if cp.KubeletConfig == nil {
		return nil
	}
	return cp.KubeletConfig.Typed().(*kubeletv1beta1.KubeletConfiguration)
}

// distributionDefaults are flags a distribution sets on its own, whatever its configuration file says:
// a kubeadm ClusterConfiguration's extraArgs are added to the flags kubeadm writes into the static pods
// (cmd/kubeadm/app/phases/controlplane and etcd), and k3s starts its embedded components with flags of
// its own (its CIS self-assessment guide lists them). Only the flags the controls inspect are listed.
var distributionDefaults = map[string]map[string]map[string]string{
	"kubeadm": {
		"kube-apiserver": {
			"authorization-mode": "Node,RBAC", "enable-admission-plugins": "NodeRestriction",
			"client-ca-file": "/etc/kubernetes/pki/ca.crt", "etcd-cafile": "/etc/kubernetes/pki/etcd/ca.crt",
			"etcd-certfile": "/etc/kubernetes/pki/apiserver-etcd-client.crt", "etcd-keyfile": "/etc/kubernetes/pki/apiserver-etcd-client.key",
			"tls-cert-file": "/etc/kubernetes/pki/apiserver.crt", "tls-private-key-file": "/etc/kubernetes/pki/apiserver.key",
		},
		"kube-controller-manager": {
			"bind-address": "127.0.0.1", "use-service-account-credentials": "true",
			"service-account-private-key-file": "/etc/kubernetes/pki/sa.key", "root-ca-file": "/etc/kubernetes/pki/ca.crt",
		},
		"kube-scheduler": {"bind-address": "127.0.0.1"},
		"etcd":           {"client-cert-auth": "true", "peer-client-cert-auth": "true"},
	},
	"k3s": {
		"kube-apiserver": {
			"anonymous-auth": "false", "authorization-mode": "Node,RBAC", "enable-admission-plugins": "NodeRestriction",
			"profiling": "false", "kubelet-certificate-authority": "/var/lib/rancher/k3s/server/tls/server-ca.crt",
			"client-ca-file": "/var/lib/rancher/k3s/server/tls/client-ca.crt", "etcd-cafile": "/var/lib/rancher/k3s/server/tls/etcd/server-ca.crt",
			"etcd-certfile": "/var/lib/rancher/k3s/server/tls/etcd/client.crt", "etcd-keyfile": "/var/lib/rancher/k3s/server/tls/etcd/client.key",
			// With embedded etcd (cluster-init); with the default SQLite datastore there is no etcd, and
			// kine listens on a local socket.
			"etcd-servers": "https://127.0.0.1:2379",
		},
		"kube-controller-manager": {
			"bind-address": "127.0.0.1", "profiling": "false", "use-service-account-credentials": "true",
			"service-account-private-key-file": "/var/lib/rancher/k3s/server/tls/service.current.key", "root-ca-file": "/var/lib/rancher/k3s/server/tls/server-ca.crt",
		},
		"kube-scheduler": {"bind-address": "127.0.0.1", "profiling": "false"},
		"etcd":           {"client-cert-auth": "true", "peer-client-cert-auth": "true"},
	},
}
