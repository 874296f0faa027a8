package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/pki"
	"github.com/kubeharden/kubeharden/stack"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// Cluster is a running control plane.
type Cluster struct {
	// Dir is the test's folder: the files live under Dir/etc/kubernetes, logs under Dir/log.
	Dir string
	// Inputs are what the files were rendered from; change EncryptionKeys and call Reconfigure.
	Inputs controlplane.Inputs
	// Paths locate the rendered files.
	Paths controlplane.Paths
	// EtcdURL is etcd's client URL.
	EtcdURL string
	// Admin is a cluster-admin REST config (admin.conf), Client a clientset for it.
	Admin  *rest.Config
	Client kubernetes.Interface

	bin       string
	apiserver *process
	etcd      *process
	etcdArgs  []string
	procs     []*process
}

// process is a started binary; done closes once it has exited and been reaped.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// The environment of `make test-versions`, which runs the control-plane tests on another minor.
const (
	// VersionEnv names the Kubernetes version the test profiles target (default: the profile default).
	VersionEnv = "KUBEHARDEN_TEST_KUBERNETES_VERSION"
	// BinariesEnv names the folder with that version's kube-apiserver, kube-controller-manager and etcd.
	BinariesEnv = "KUBEHARDEN_TEST_CONTROL_PLANE_BIN"
)

// Binaries is the folder with kube-apiserver, kube-controller-manager and etcd.
func Binaries() string {
	if d := os.Getenv(BinariesEnv); d != "" {
		return d
	}
	return pulumitest.ToolsBin()
}

// Start renders the control-plane files from a default profile (changed by customize, if given; its
// Kubernetes version is VersionEnv's where that is set), starts
// etcd, kube-apiserver and kube-controller-manager, and waits until the API server is ready and the
// controller-manager has given the default namespace its ServiceAccount. Outside CI the test is skipped
// when the binaries are missing; in CI it fails.
func Start(t testing.TB, customize func(p *config.Profile)) *Cluster {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: starts etcd and kube-apiserver (not with -short)")
	}
	bin := Binaries()
	for _, b := range []string{"etcd", "kube-apiserver", "kube-controller-manager"} {
		pulumitest.RequireTool(t, bin, b)
	}
	dir := t.TempDir()
	ports := FreePorts(t, 4)
	raw := &config.Profile{KubernetesVersion: os.Getenv(VersionEnv), ControlPlane: config.ControlPlane{
		Root:  filepath.Join(dir, "etc", "kubernetes"),
		Audit: config.Audit{LogPath: filepath.Join(dir, "log", "audit", "audit.log")},
		APIServer: config.APIServer{
			SecurePort:       ports[0],
			AdvertiseAddress: "127.0.0.1",
			EtcdServers:      []string{fmt.Sprintf("https://127.0.0.1:%d", ports[1])},
		},
	}}
	if customize != nil {
		customize(raw)
	}
	p, err := config.Resolve(raw)
	if err != nil {
		t.Fatalf("test profile: %v", err)
	}
	c := &Cluster{
		Dir: dir, bin: bin,
		Inputs:  NewInputs(t, p),
		Paths:   controlplane.Paths{Root: p.ControlPlane.Root},
		EtcdURL: p.ControlPlane.APIServer.EtcdServers[0],
	}
	t.Cleanup(func() { c.stop(t) })
	c.render(t)
	if err := os.MkdirAll(filepath.Join(dir, "log"), 0o700); err != nil {
		t.Fatal(err)
	}

	etcdArgs := controlplane.EtcdArgs(p, controlplane.EtcdMember{
		Name: "etcd-0", DataDir: filepath.Join(dir, "etcd"),
		ClientURL: c.EtcdURL, PeerURL: fmt.Sprintf("https://127.0.0.1:%d", ports[2]),
	})
	c.etcdArgs = etcdArgs.Flags()
	c.etcd = c.run(t, "etcd", c.etcdArgs)
	c.startAPIServer(t)

	c.Admin, err = clientcmd.BuildConfigFromFlags("", c.Paths.AdminKubeconfig())
	if err != nil {
		t.Fatal(err)
	}
	c.Client = kubernetes.NewForConfigOrDie(c.Admin)
	c.WaitReady(t)

	// The controller-manager as rendered; on a control plane without nodes, the controllers that
	// manage nodes are left out and there is no second instance to elect a leader with.
	cm := controlplane.ControllerManagerArgs(p)
	cm["controllers"] = "*,-nodeipam,-nodelifecycle"
	cm["leader-elect"] = "false"
	cm["secure-port"] = strconv.Itoa(ports[3])
	c.run(t, "kube-controller-manager", cm.Flags())
	WaitFor(t, "the default ServiceAccount", 90*time.Second, func() error {
		_, err := c.Client.CoreV1().ServiceAccounts("default").Get(context.Background(), "default", metav1.GetOptions{})
		return err
	})
	return c
}

// NewInputs are the files' inputs for a resolved profile: a PKI made for it (with its own etcd CA) and
// one encryption key.
func NewInputs(t testing.TB, p config.Resolved) controlplane.Inputs {
	t.Helper()
	opts, err := stack.PKIOptionsFor(p, pki.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := pki.Generate(opts)
	if err != nil {
		t.Fatal(err)
	}
	key, err := controlplane.NewEncryptionKey("key-1")
	if err != nil {
		t.Fatal(err)
	}
	return controlplane.Inputs{Profile: p, PKI: bundle, EncryptionKeys: []controlplane.EncryptionKey{key}}
}

// StartFromFlags starts etcd and kube-apiserver with the given flags, as a distribution wrote them (the
// files they name already in place), and waits until the API server answers admin. in is what the files
// were rendered from. There is no controller-manager, and Reconfigure does not apply.
func StartFromFlags(t testing.TB, in controlplane.Inputs, etcdArgs, apiserverArgs []string, admin *rest.Config) *Cluster {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "log"), 0o700); err != nil {
		t.Fatal(err)
	}
	c := &Cluster{Dir: dir, bin: Binaries(), Inputs: in, Paths: controlplane.Paths{Root: in.Profile.ControlPlane.Root}, Admin: admin, etcdArgs: etcdArgs}
	t.Cleanup(func() { c.stop(t) })
	c.etcd = c.run(t, "etcd", etcdArgs)
	c.apiserver = c.run(t, "kube-apiserver", apiserverArgs)
	c.Client = kubernetes.NewForConfigOrDie(admin)
	c.WaitReady(t)
	return c
}

// Reconfigure renders the files again from c.Inputs and restarts the API server, as an operator rolls
// the API servers after changing their configuration.
func (c *Cluster) Reconfigure(t testing.TB) {
	t.Helper()
	c.render(t)
	stopProcess(c.apiserver)
	c.startAPIServer(t)
	c.WaitReady(t)
}

// KillAPIServer kills the API server at once (SIGKILL), as a crash or a lost node does; StartAPIServer
// starts it again from the same files and waits until it is ready.
func (c *Cluster) KillAPIServer(t testing.TB) {
	t.Helper()
	killNow(c.apiserver)
}

// StartAPIServer starts the API server again after KillAPIServer and waits until it is ready.
func (c *Cluster) StartAPIServer(t testing.TB) {
	t.Helper()
	c.startAPIServer(t)
	c.WaitReady(t)
}

// RestartEtcd kills etcd at once (SIGKILL), waits pause, and starts it again on the same data; the API
// server reconnects on its own.
func (c *Cluster) RestartEtcd(t testing.TB, pause time.Duration) {
	t.Helper()
	killNow(c.etcd)
	time.Sleep(pause)
	c.etcd = c.run(t, "etcd", c.etcdArgs)
	c.WaitReady(t)
}

// killNow kills a process group with SIGKILL and waits until it is reaped.
func killNow(p *process) {
	if p == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
}

// WaitReady waits until /readyz answers ok.
func (c *Cluster) WaitReady(t testing.TB) {
	t.Helper()
	hc, err := rest.HTTPClientFor(c.Admin)
	if err != nil {
		t.Fatal(err)
	}
	WaitFor(t, "kube-apiserver /readyz", 120*time.Second, func() error {
		resp, err := hc.Get(c.Admin.Host + "/readyz")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/readyz: %s", resp.Status)
		}
		return nil
	})
}

// APIServerURL is the API server's URL.
func (c *Cluster) APIServerURL() string { return controlplane.APIServerURL(c.Inputs.Profile) }

// CAPool is a pool with the cluster CA.
func (c *Cluster) CAPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(c.Inputs.PKI.ClusterCA.Cert))
	return pool
}

// Etcd connects to etcd with the given client key pair, trusting the etcd CA.
func (c *Cluster) Etcd(kp pki.KeyPair) (*clientv3.Client, error) {
	cert, err := tls.X509KeyPair([]byte(kp.Cert), []byte(kp.Key))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(c.Inputs.PKI.EtcdCA.Cert))
	return clientv3.New(clientv3.Config{
		Endpoints:   []string{c.EtcdURL},
		DialTimeout: 5 * time.Second,
		TLS:         &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool, MinVersion: tls.VersionTLS12},
		Logger:      zap.NewNop(),
	})
}

// AuditLog returns the audit log's content.
func (c *Cluster) AuditLog(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(c.Inputs.Profile.ControlPlane.Audit.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func (c *Cluster) render(t testing.TB) {
	t.Helper()
	files, err := controlplane.Render(c.Inputs)
	if err != nil {
		t.Fatal(err)
	}
	if err := controlplane.WriteFiles("/", files); err != nil {
		t.Fatal(err)
	}
}

func (c *Cluster) startAPIServer(t testing.TB) {
	c.apiserver = c.run(t, "kube-apiserver", controlplane.APIServerArgs(c.Inputs.Profile).Flags())
}

// run starts a binary of the toolchain with its output in Dir/log/<name>.log.
func (c *Cluster) run(t testing.TB, name string, args []string) *process {
	t.Helper()
	return c.runPath(t, name, filepath.Join(c.bin, name), args)
}

// Run starts another program beside the control plane (a kubelet, say), stopped with it or by the
// function it returns; its output goes to Dir/log/<name>.log.
func (c *Cluster) Run(t testing.TB, name, path string, args []string) (stop func()) {
	t.Helper()
	p := c.runPath(t, name, path, args)
	return func() { stopProcess(p) }
}

// runPath starts the program at path (or found on PATH) with its output in Dir/log/<name>.log, stopped
// with the cluster.
func (c *Cluster) runPath(t testing.TB, name, path string, args []string) *process {
	t.Helper()
	p := startProcess(t, filepath.Join(c.Dir, "log"), name, path, args)
	c.procs = append(c.procs, p)
	return p
}

// startProcess starts the program at path (or found on PATH) in a process group of its own, with its
// output in logDir/<name>.log.
func startProcess(t testing.TB, logDir, name, path string, args []string) *process {
	t.Helper()
	if err := os.MkdirAll(logDir, 0o700); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(logDir, name+".log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logFile.Close(); close(p.done) }()
	return p
}

// stopProcess stops a process group: SIGTERM, then SIGKILL after 15 seconds, and waits until it is
// reaped.
func stopProcess(p *process) {
	if p == nil {
		return
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}

func (c *Cluster) stop(t testing.TB) {
	for i := len(c.procs) - 1; i >= 0; i-- {
		stopProcess(c.procs[i])
	}
	if t.Failed() {
		logs, _ := filepath.Glob(filepath.Join(c.Dir, "log", "*.log"))
		for _, path := range logs {
			name := strings.TrimSuffix(filepath.Base(path), ".log")
			data, _ := os.ReadFile(path)
			if len(data) > 4000 {
				data = data[len(data)-4000:]
			}
			t.Logf("--- last lines of %s.log:\n%s", name, data)
		}
	}
}

// WaitFor polls ok every quarter second until it returns nil, and fails the test, naming what it waited
// for and the last error, when timeout has passed.
func WaitFor(t testing.TB, what string, timeout time.Duration, ok func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var err error
	for time.Now().Before(deadline) {
		if err = ok(); err == nil {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("waiting %s for %s: %v", timeout, what, err)
}

func FreePorts(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	var ls []net.Listener
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}
