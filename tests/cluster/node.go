package cluster

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubeharden/kubeharden/pki"
)

// IssueClientCert issues a client certificate for user cn in groups orgs from the key pair ca, as the
// cluster CA signs a node's or a user's, and returns it and its key as PEM.
func IssueClientCert(t testing.TB, ca pki.KeyPair, cn string, orgs ...string) (certPEM, keyPEM string) {
	t.Helper()
	caCert, err := pki.ParseCertificate(ca.Cert)
	if err != nil {
		t.Fatal(err)
	}
	caKey, err := pki.ParsePrivateKey(ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn, Organization: orgs},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
}

// Containerd is a containerd started by a test, with its own root, state, socket and CNI configuration
// (loopback only: pods get no network beyond their own, which the node tests do not need).
type Containerd struct {
	// Socket is its CRI endpoint, unix://...
	Socket string
}

// NodeRuntimeMissing says why a node cannot be run here, or "" when containerd, runc, ctr and the CNI
// loopback plugin are all installed (tests/toolchain/tools.sh installs them from Debian's packages).
func NodeRuntimeMissing() string {
	for _, b := range []string{"containerd", "runc", "ctr"} {
		if _, err := exec.LookPath(b); err != nil {
			return b + " is not installed"
		}
	}
	if _, err := os.Stat(filepath.Join(CNIBinDir, "loopback")); err != nil {
		return "the CNI loopback plugin is not in " + CNIBinDir
	}
	if os.Geteuid() != 0 {
		return "a kubelet and containerd need root"
	}
	if NodeIP() == "" {
		return "no non-loopback IPv4 address for the node"
	}
	return ""
}

// CNIBinDir is where Debian's containernetworking-plugins puts the CNI plugins.
const CNIBinDir = "/usr/lib/cni"

// StartContainerd starts containerd in a folder of the test's, with sandboxImage as the pod sandbox.
func StartContainerd(t testing.TB, sandboxImage string) *Containerd {
	t.Helper()
	dir, err := os.MkdirTemp("", "kh-containerd-") // short: the socket path has a length limit
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	c := &Containerd{Socket: "unix://" + filepath.Join(dir, "containerd.sock")}
	cniConf := filepath.Join(dir, "cni")
	if err := os.MkdirAll(cniConf, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cniConf, "10-loopback.conflist"),
		[]byte(`{"cniVersion": "1.0.0", "name": "kubeharden-test", "plugins": [{"type": "loopback"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`version = 2
root = %q
state = %q
[grpc]
  address = %q
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = %q
  # Where the machine withholds CAP_SYS_RESOURCE (these sandboxes do), a negative oom_score_adj, which
  # the kubelet asks for pod sandboxes, cannot be set; containerd then clamps it to its own.
  restrict_oom_score_adj = %t
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = %q
    conf_dir = %q
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
`, filepath.Join(dir, "root"), filepath.Join(dir, "state"), c.address(), sandboxImage, !hasCapability(capSysResource), CNIBinDir, cniConf)
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startProcess(t, filepath.Join(dir, "log"), "containerd", "containerd", []string{"--config", filepath.Join(dir, "config.toml")})
	t.Cleanup(func() {
		c.KillContainers()
		stopProcess(p)
		Unmount(dir)
	})
	WaitFor(t, "containerd", 30*time.Second, func() error { return exec.Command("ctr", "--address", c.address(), "version").Run() })
	return c
}

// address is the socket's path, as ctr takes it.
func (c *Containerd) address() string { return strings.TrimPrefix(c.Socket, "unix://") }

// KillContainers kills every container's task, so that no shim outlives the test.
func (c *Containerd) KillContainers() {
	out, err := exec.Command("ctr", "--address", c.address(), "-n", "k8s.io", "tasks", "ls", "-q").Output()
	if err != nil {
		return
	}
	for _, id := range strings.Fields(string(out)) {
		_ = exec.Command("ctr", "--address", c.address(), "-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL", id).Run()
	}
	time.Sleep(time.Second)
}

// Unmount detaches every mount at or under dir (a kubelet's pod volumes and the bind mount of its root
// folder on itself, containerd's snapshots), deepest first, so that the folder can be removed.
func Unmount(dir string) {
	data, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return
	}
	var under []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 1 && (f[1] == dir || strings.HasPrefix(f[1], dir+"/")) {
			under = append(under, f[1])
		}
	}
	for i := len(under) - 1; i >= 0; i-- {
		_ = syscall.Unmount(under[i], syscall.MNT_DETACH)
	}
}

// NodeIP is an IPv4 address of this machine that is not a loopback one: the kubelet refuses a loopback
// node IP. "" when there is none.
func NodeIP() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if ipnet, ok := a.(*net.IPNet); ok && ipnet.IP.To4() != nil && ipnet.IP.IsGlobalUnicast() && !ipnet.IP.IsLoopback() {
			return ipnet.IP.String()
		}
	}
	return ""
}

// Import imports an OCI image archive into containerd's Kubernetes namespace.
func (c *Containerd) Import(t testing.TB, archive string) {
	t.Helper()
	if out, err := exec.Command("ctr", "--address", c.address(), "-n", "k8s.io", "images", "import", archive).CombinedOutput(); err != nil {
		t.Fatalf("ctr images import %s: %v\n%s", archive, err, out)
	}
}

// capSysResource is CAP_SYS_RESOURCE's number.
const capSysResource = 24

// hasCapability reports whether this process's bounding set holds capability number n.
func hasCapability(n uint) bool {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "CapBnd:"); ok {
			var mask uint64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%x", &mask); err != nil {
				return false
			}
			return mask&(1<<n) != 0
		}
	}
	return false
}

// Listening reports whether something accepts TCP connections on host:port.
func Listening(host string, port int) bool {
	conn, err := net.DialTimeout("tcp", net.JoinHostPort(host, fmt.Sprint(port)), time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}
