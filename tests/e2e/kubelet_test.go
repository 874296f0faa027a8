package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/pki"
	"github.com/kubeharden/kubeharden/tests/cluster"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

const (
	nodeName    = "kh-node"
	statusImage = "kubeharden.local/status:test"
)

// kubeletBinary is the real kubelet of `make tools`; outside CI the test is skipped without it or
// without a container runtime.
func kubeletBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: runs a kubelet and containerd (not with -short)")
	}
	bin := pulumitest.RequireTool(t, pulumitest.ToolsBin(), "kubelet")
	if missing := cluster.NodeRuntimeMissing(); missing != "" {
		pulumitest.Unavailable(t, missing)
	}
	return bin
}

// TestKubeletRunsTheRenderedConfiguration starts a real kubelet, with containerd and runc from Debian's
// packages, on the KubeletConfiguration kubeharden renders (only the node-local fields set: its ports,
// the runtime's socket, the cgroup driver), registered to a control plane started from kubeharden's
// files: the node becomes Ready, with its serving certificate issued through a CSR from the cluster CA;
// port 10250 refuses anonymous requests (401) and a user without nodes/proxy (403) and TLS below 1.2;
// the read-only port is closed; and a pod without a seccomp profile runs under RuntimeDefault (the
// kernel's Seccomp field of its process), where one that asks for Unconfined does not.
func TestKubeletRunsTheRenderedConfiguration(t *testing.T) {
	kubelet := kubeletBinary(t)
	c := cluster.Start(t, func(p *config.Profile) { p.ControlPlane.Kubelet.SeccompAuditProfile = true })
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "kh-kubelet-")
	require.NoError(t, err)
	paths := c.Paths
	nodeIP := cluster.NodeIP()

	// The node's kernel settings, from the rendered sysctl.d file: the kubelet's protectKernelDefaults
	// refuses to start without them.
	applySysctls(t, paths.KubeletSysctls())

	// The kubelet's rendered configuration, the second document of kubeadm-config.yaml.
	rendered, err := os.ReadFile(paths.KubeadmConfig())
	require.NoError(t, err)
	docs := strings.Split(string(rendered), "\n---\n")
	require.Len(t, docs, 2)
	var kc kubeletv1beta1.KubeletConfiguration
	require.NoError(t, yaml.UnmarshalStrict([]byte(docs[1]), &kc))
	require.False(t, *kc.Authentication.Anonymous.Enabled)
	require.Equal(t, kubeletv1beta1.KubeletAuthorizationModeWebhook, kc.Authorization.Mode)
	require.True(t, kc.ServerTLSBootstrap)
	ports := cluster.FreePorts(t, 2)
	containerd := cluster.StartContainerd(t, statusImage)
	containerd.Import(t, cluster.BuildStatusImage(t, statusImage))
	// Node-local settings only.
	kc.Port = int32(ports[0])
	kc.HealthzPort = ptr.To(int32(ports[1]))
	kc.ContainerRuntimeEndpoint = containerd.Socket
	kc.CgroupDriver = "cgroupfs"
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err != nil {
		kc.FailCgroupV1 = ptr.To(false) // this machine has cgroup v1, which 1.36 refuses by default
	}
	kc.FailSwapOn = ptr.To(false)
	kc.PodLogsDir = filepath.Join(dir, "pod-logs")
	configPath := filepath.Join(dir, "kubelet-config.yaml")
	data, err := yaml.Marshal(&kc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(configPath, data, 0o600))

	// The node's credentials: a client certificate of the cluster CA for system:node:<name>.
	cert, key := cluster.IssueClientCert(t, c.Inputs.PKI.ClusterCA, "system:node:"+nodeName, "system:nodes")
	kubeconfig, err := controlplane.Kubeconfig(c.Admin.Host, c.Inputs.PKI.ClusterCA.Cert, "system:node:"+nodeName, pki.KeyPair{Cert: cert, Key: key})
	require.NoError(t, err)
	kubeconfigPath := filepath.Join(dir, "kubelet.conf")
	require.NoError(t, os.WriteFile(kubeconfigPath, []byte(kubeconfig), 0o600))

	// The kubelet's root is where kubeharden's node files put its seccomp folder.
	kubeletRoot := paths.KubeletRoot()
	stopKubelet := c.Run(t, "kubelet", kubelet, []string{
		"--config=" + configPath, "--kubeconfig=" + kubeconfigPath, "--root-dir=" + kubeletRoot,
		"--cert-dir=" + filepath.Join(dir, "pki"), "--hostname-override=" + nodeName, "--node-ip=" + nodeIP, "--v=2",
	})
	t.Cleanup(func() {
		stopKubelet()
		containerd.KillContainers()
		cluster.Unmount(kubeletRoot)
		cluster.Unmount(dir)
		_ = os.RemoveAll(dir)
	})

	// The serving certificate comes through a CSR, which an operator (here, the test) approves.
	cluster.WaitFor(t, "the kubelet's serving CSR, approved", 90*time.Second, func() error {
		csrs, err := c.Client.CertificatesV1().CertificateSigningRequests().List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		for _, csr := range csrs.Items {
			if csr.Spec.SignerName != certificatesv1.KubeletServingSignerName || csr.Spec.Username != "system:node:"+nodeName {
				continue
			}
			if len(csr.Status.Conditions) == 0 {
				csr.Status.Conditions = append(csr.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
					Type: certificatesv1.CertificateApproved, Status: corev1.ConditionTrue, Reason: "Test", Message: "the node test approves it"})
				_, err := c.Client.CertificatesV1().CertificateSigningRequests().UpdateApproval(ctx, csr.Name, &csr, metav1.UpdateOptions{})
				return err
			}
			return nil
		}
		return fmt.Errorf("no kubelet-serving CSR from %s yet", nodeName)
	})
	cluster.WaitFor(t, "node "+nodeName+" Ready", 3*time.Minute, func() error {
		n, err := c.Client.CoreV1().Nodes().Get(ctx, nodeName, metav1.GetOptions{})
		if err != nil {
			return err
		}
		for _, cond := range n.Status.Conditions {
			if cond.Type == corev1.NodeReady {
				if cond.Status == corev1.ConditionTrue {
					return nil
				}
				return fmt.Errorf("Ready=%s: %s", cond.Status, cond.Message)
			}
		}
		return fmt.Errorf("no Ready condition yet")
	})

	kubeletURL := fmt.Sprintf("https://%s:%d", nodeIP, ports[0])
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(c.Inputs.PKI.ClusterCA.Cert))
	get := func(certs []tls.Certificate, path string) (int, error) {
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: certs}}}
		resp, err := client.Get(kubeletURL + path)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	var serving *x509.Certificate
	cluster.WaitFor(t, "the kubelet serving with a certificate of the cluster CA", time.Minute, func() error {
		conn, err := tls.Dial("tcp", strings.TrimPrefix(kubeletURL, "https://"), &tls.Config{RootCAs: pool})
		if err != nil {
			return err
		}
		defer conn.Close()
		serving = conn.ConnectionState().PeerCertificates[0]
		return nil
	})
	assert.Equal(t, "system:node:"+nodeName, serving.Subject.CommonName)

	t.Run("the node's credentials reach only what the Node authorizer and NodeRestriction allow", func(t *testing.T) {
		cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfigPath)
		require.NoError(t, err)
		node := kubernetes.NewForConfigOrDie(cfg)
		_, err = node.CoreV1().Nodes().Get(ctx, nodeName, metav1.GetOptions{})
		require.NoError(t, err, "its own Node")
		_, err = node.CoreV1().Secrets("kube-system").List(ctx, metav1.ListOptions{})
		assert.True(t, apierrors.IsForbidden(err), "no Secrets but its pods': %v", err)
		_, err = node.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "other-node"}}, metav1.CreateOptions{})
		assert.True(t, apierrors.IsForbidden(err), "no other Node: %v", err)
		self, err := node.CoreV1().Nodes().Get(ctx, nodeName, metav1.GetOptions{})
		require.NoError(t, err)
		self.Labels["node-restriction.kubernetes.io/pool"] = "promoted"
		_, err = node.CoreV1().Nodes().Update(ctx, self, metav1.UpdateOptions{})
		assert.True(t, apierrors.IsForbidden(err), "NodeRestriction: a node may not set node-restriction.kubernetes.io/ labels on itself: %v", err)
	})
	t.Run("anonymous requests to 10250 get 401", func(t *testing.T) {
		for _, path := range []string{"/pods", "/healthz", "/configz"} {
			code, err := get(nil, path)
			require.NoError(t, err)
			assert.Equal(t, http.StatusUnauthorized, code, path)
		}
	})
	t.Run("a user without nodes/proxy gets 403, an admin 200", func(t *testing.T) {
		ucert, ukey := cluster.IssueClientCert(t, c.Inputs.PKI.ClusterCA, "jane", "developers")
		pair, err := tls.X509KeyPair([]byte(ucert), []byte(ukey))
		require.NoError(t, err)
		code, err := get([]tls.Certificate{pair}, "/pods")
		require.NoError(t, err)
		assert.Equal(t, http.StatusForbidden, code)
		admin, err := tls.X509KeyPair([]byte(c.Inputs.PKI.Admin.Cert), []byte(c.Inputs.PKI.Admin.Key))
		require.NoError(t, err)
		code, err = get([]tls.Certificate{admin}, "/pods")
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, code, "the webhook authorizer lets a cluster admin in")
	})
	t.Run("TLS below 1.2 is refused on 10250", func(t *testing.T) {
		for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
			conn, err := tls.Dial("tcp", strings.TrimPrefix(kubeletURL, "https://"), &tls.Config{RootCAs: pool, MinVersion: v, MaxVersion: v})
			if err == nil {
				conn.Close()
			}
			assert.Error(t, err, "TLS %x", v)
		}
	})
	t.Run("the read-only port 10255 is closed", func(t *testing.T) {
		assert.Zero(t, kc.ReadOnlyPort)
		assert.False(t, cluster.Listening(nodeIP, 10255), "nothing listens on 10255")
		assert.True(t, cluster.Listening(nodeIP, ports[0]), "while the kubelet listens on its port")
	})
	t.Run("a pod without a seccomp profile runs with RuntimeDefault", func(t *testing.T) {
		// Both pods in a privileged namespace on the host's network: the node has no CNI network of its
		// own (loopback only), and Pod Security would refuse the Unconfined one elsewhere.
		status := func(seccomp *corev1.SeccompProfile) string {
			level := psaapi.LevelPrivileged
			ns := newNamespace(t, c, "node")
			nsObj, err := c.Client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
			require.NoError(t, err)
			nsObj.Labels = map[string]string{psaapi.EnforceLevelLabel: string(level)}
			_, err = c.Client.CoreV1().Namespaces().Update(ctx, nsObj, metav1.UpdateOptions{})
			require.NoError(t, err)
			pod := &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Name: "status"},
				Spec: corev1.PodSpec{
					NodeName: nodeName, HostNetwork: true, AutomountServiceAccountToken: ptr.To(false), EnableServiceLinks: ptr.To(false),
					Containers: []corev1.Container{{Name: "status", Image: statusImage, ImagePullPolicy: corev1.PullNever,
						SecurityContext: &corev1.SecurityContext{SeccompProfile: seccomp}}},
				},
			}
			_, err = c.Client.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
			require.NoError(t, err)
			var log string
			cluster.WaitFor(t, "the pod's log", 2*time.Minute, func() error {
				p, err := c.Client.CoreV1().Pods(ns).Get(ctx, "status", metav1.GetOptions{})
				if err != nil {
					return err
				}
				if p.Status.Phase != corev1.PodRunning {
					return fmt.Errorf("pod is %s: %+v", p.Status.Phase, p.Status.ContainerStatuses)
				}
				// The container's log as the kubelet writes it. (Through the API server, the log is fetched
				// from the node by its name, which does not resolve here.)
				files, _ := filepath.Glob(filepath.Join(kc.PodLogsDir, ns+"_status_*", "status", "*.log"))
				for _, f := range files {
					b, err := os.ReadFile(f)
					if err == nil && strings.Contains(string(b), "Seccomp:") {
						log = string(b)
						return nil
					}
				}
				return fmt.Errorf("no status in the container's log yet (%v)", files)
			})
			return log
		}
		assert.Contains(t, status(nil), "Seccomp:\t2", "filter mode: RuntimeDefault, from seccompDefault")
		// kubeharden's audit profile, as a tenant with seccompAudit gets it: a filter that logs every
		// system call to the kernel's audit log (type 1326, SECCOMP), where the node's journal takes it.
		// (The kernel rate-limits them; the first are the container's process while runc starts it.)
		seccompLines := func() int { return strings.Count(kernelLog(t), "audit: type=1326 ") }
		before := seccompLines()
		assert.Contains(t, status(&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.To(contract.SeccompAuditProfile)}), "Seccomp:\t2")
		cluster.WaitFor(t, "the audit profile's lines in the kernel log", 30*time.Second, func() error {
			if n := seccompLines(); n <= before {
				return fmt.Errorf("%d SECCOMP audit lines, as many as before the pod", n)
			}
			return nil
		})
		assert.Contains(t, status(&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}), "Seccomp:\t0",
			"the same image asking for Unconfined runs without a filter: the default is what made the difference")
	})
}

// kernelLog is the kernel's log buffer (dmesg), where the audit lines of SCMP_ACT_LOG land without auditd.
func kernelLog(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("dmesg").Output()
	require.NoError(t, err)
	return string(out)
}

// applySysctls sets the kernel settings of a sysctl.d file, and puts the old values back at the end.
func applySysctls(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		require.True(t, ok, line)
		proc := filepath.Join("/proc/sys", strings.ReplaceAll(strings.TrimSpace(k), ".", "/"))
		old, err := os.ReadFile(proc)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(proc, []byte(strings.TrimSpace(v)), 0o644), "setting %s", k)
		t.Cleanup(func() { _ = os.WriteFile(proc, old, 0o644) })
	}
}
