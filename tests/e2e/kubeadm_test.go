package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/report"
	"github.com/kubeharden/kubeharden/tests/cluster"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// kubeadmBinary is the real kubeadm of `make tools`; outside CI the test is skipped without it.
func kubeadmBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: runs kubeadm and starts a control plane (not with -short)")
	}
	return pulumitest.RequireTool(t, pulumitest.ToolsBin(), "kubeadm")
}

// advertiseAddress is the control-plane node's address in the test. kubeadm refuses a loopback address
// that no interface holds as a global one; an address from TEST-NET-2 (RFC 5737) needs no interface at
// all for the init phases, which do not look for it.
const advertiseAddress = "198.51.100.10"

// initConfiguration is the node's part of `kubeadm init`, which kubeharden does not render: where this
// control-plane node's API server listens, and its name.
const initConfiguration = `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: ` + advertiseAddress + `
  bindPort: 6443
nodeRegistration:
  name: cp1
  criSocket: unix:///run/containerd/containerd.sock
---
`

// TestKubeadmWritesTheHardenedControlPlane runs the real kubeadm on kubeharden's files. kubeadm's own
// validation accepts the rendered ClusterConfiguration and KubeletConfiguration; `kubeadm init phase`
// certs, kubeconfig, control-plane and etcd, run in a root of their own (--rootfs), take kubeharden's PKI
// as it is (its own etcd CA included) and write static pod manifests that carry every hardened flag and
// mount the policy files; `kubeharden check` passes on those manifests; and etcd and kube-apiserver
// started with the commands kubeadm wrote (paths under the test's root, ports moved to free ones)
// become ready and refuse anonymous requests.
func TestKubeadmWritesTheHardenedControlPlane(t *testing.T) {
	kubeadm := kubeadmBinary(t)
	root := t.TempDir()
	p, err := config.Resolve(&config.Profile{ControlPlane: config.ControlPlane{Distribution: "kubeadm", APIServer: config.APIServer{AdvertiseAddress: advertiseAddress}}})
	require.NoError(t, err)
	in := cluster.NewInputs(t, p)
	files, err := controlplane.Render(in)
	require.NoError(t, err)
	require.NoError(t, controlplane.WriteFiles(root, files))
	paths := controlplane.Paths{Root: p.ControlPlane.Root}
	inRoot := func(path string) string { return filepath.Join(root, path) }

	run := func(args ...string) string {
		t.Helper()
		out, err := pulumitest.CommandCombinedOutput(exec.Command(kubeadm, args...))
		require.NoError(t, err, "kubeadm %s:\n%s", strings.Join(args, " "), out)
		return string(out)
	}

	// kubeadm's own validation: the rendered documents are kubeadm's API, every field known.
	out := run("config", "validate", "--config", inRoot(paths.KubeadmConfig()))
	assert.NotContains(t, strings.ToLower(out), "unknown field", out)
	assert.NotContains(t, strings.ToLower(out), "deprecated", out)

	rendered, err := os.ReadFile(inRoot(paths.KubeadmConfig()))
	require.NoError(t, err)
	initConfig := filepath.Join(p.ControlPlane.Root, "init.yaml")
	require.NoError(t, os.WriteFile(inRoot(initConfig), []byte(initConfiguration+string(rendered)), 0o600))
	pkiBefore := map[string][]byte{}
	for _, f := range files {
		if strings.HasPrefix(f.Path, filepath.Join(p.ControlPlane.Root, "pki")) {
			pkiBefore[f.Path] = []byte(f.Content)
		}
	}
	for _, phase := range [][]string{{"certs", "all"}, {"kubeconfig", "all"}, {"control-plane", "all"}, {"etcd", "local"}, {"kubelet-start"}} {
		run(append(append([]string{"init", "phase"}, phase...), "--config", initConfig, "--rootfs", root)...)
	}
	for path, want := range pkiBefore {
		got, err := os.ReadFile(inRoot(path))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "kubeadm took %s as kubeharden made it", path)
	}

	manifests := inRoot(filepath.Join(p.ControlPlane.Root, "manifests"))
	pods := map[string]*corev1.Pod{}
	for _, name := range []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"} {
		data, err := os.ReadFile(filepath.Join(manifests, name+".yaml"))
		require.NoError(t, err)
		var pod corev1.Pod
		require.NoError(t, yaml.UnmarshalStrict(data, &pod), name)
		pods[name] = &pod
	}
	flags := func(name string) map[string]string {
		out := map[string]string{}
		for _, a := range pods[name].Spec.Containers[0].Command[1:] {
			k, v, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
			out[k] = v
		}
		return out
	}

	// Every hardened flag kubeharden asks kubeadm for is in the command kubeadm wrote, with its value.
	extraArgs := controlplane.KubeadmExtraArgs(p)
	require.Len(t, extraArgs, 4)
	for component, want := range extraArgs {
		got := flags(component)
		for k, v := range want {
			assert.Equal(t, v, got[k], "%s --%s in the static pod kubeadm wrote", component, k)
		}
	}
	// The policy files are mounted into the API server's pod, read-only, at the paths its flags name.
	api := pods["kube-apiserver"]
	mounts := map[string]corev1.VolumeMount{}
	for _, m := range api.Spec.Containers[0].VolumeMounts {
		mounts[m.MountPath] = m
	}
	for _, f := range []string{paths.EncryptionConfig(), paths.AuditPolicy(), paths.AdmissionConfig()} {
		m, ok := mounts[f]
		if assert.True(t, ok, "%s is mounted into the API server's pod", f) {
			assert.True(t, m.ReadOnly, "%s is mounted read-only", f)
		}
	}
	assert.Contains(t, mounts, filepath.Dir(p.ControlPlane.Audit.LogPath), "the audit log's folder is mounted")

	// kubeharden check on what kubeadm wrote: the static pods and the files their flags name.
	kubeharden := pulumitest.BuildCLI(t)
	kubeletConfig := inRoot("/var/lib/kubelet/config.yaml") // kubelet-start writes it from the rendered one
	args := []string{"check", "-o", "json", manifests, kubeletConfig, inRoot(paths.EncryptionConfig()), inRoot(paths.AuditPolicy()), inRoot(paths.AdmissionConfig())}
	cmd := exec.Command(kubeharden, args...)
	checked, _ := pulumitest.CommandOutput(cmd)
	var r report.Report
	require.NoError(t, json.Unmarshal(checked, &r), "%s", checked)
	assert.Empty(t, r.Errors)
	for _, c := range r.Controls {
		if c.Inspects != controls.ScopeControlPlane {
			continue
		}
		assert.Contains(t, []report.Status{report.StatusPass, report.StatusExempt}, c.Status, "%s on kubeadm's manifests: %+v", c.ID, r.FindingsOf(c.ID))
	}

	// A control plane from kubeadm's commands: etcd and kube-apiserver as kubeadm would start them, with
	// the paths under this test's root and the ports moved to free ones.
	ports := cluster.FreePorts(t, 3)
	rebase := func(args []string) []string {
		out := make([]string, len(args))
		for i, a := range args {
			k, v, _ := strings.Cut(a, "=")
			for _, prefix := range []string{"/etc/kubernetes", "/var/lib/etcd", "/var/log/kubernetes"} {
				v = strings.ReplaceAll(v, prefix, filepath.Join(root, prefix))
			}
			v = strings.NewReplacer(":2379", fmt.Sprintf(":%d", ports[1]), ":2380", fmt.Sprintf(":%d", ports[2])).Replace(v)
			if k == "--secure-port" {
				v = fmt.Sprint(ports[0])
			}
			out[i] = k + "=" + v
		}
		return out
	}
	etcdArgs := rebase(pods["etcd"].Spec.Containers[0].Command[1:])
	for i, a := range etcdArgs { // etcd listens on the node's address, which no interface here holds
		etcdArgs[i] = strings.ReplaceAll(a, advertiseAddress, "127.0.0.1")
	}
	apiArgs := append(rebase(pods["kube-apiserver"].Spec.Containers[0].Command[1:]), "--bind-address=127.0.0.1")
	assert.True(t, slices.Contains(apiArgs, "--anonymous-auth=false") || slices.ContainsFunc(apiArgs, func(a string) bool { return strings.HasPrefix(a, "--authentication-config=") }))
	admin, err := clientcmd.BuildConfigFromFlags(fmt.Sprintf("https://127.0.0.1:%d", ports[0]), inRoot(paths.AdminKubeconfig()))
	require.NoError(t, err)
	c := cluster.StartFromFlags(t, in, etcdArgs, apiArgs, admin)
	anonymousRefused(t, c)
	v, err := c.Client.Discovery().ServerVersion()
	require.NoError(t, err)
	assert.Equal(t, "v"+p.KubernetesVersion, v.GitVersion)
}
