package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeharden/kubeharden/auditserve"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/detections"
	"github.com/kubeharden/kubeharden/pki"
	"github.com/kubeharden/kubeharden/tests/cluster"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// TestAuditServeIsTheAPIServersWebhookAndDeliversEveryAlert runs `kubeharden audit serve` as the real API
// server's audit webhook, from the files kubeharden renders (the webhook kubeconfig with the receiver's
// CA and the API server's client certificate; the receiver's serving certificate), delivering to a real
// Alertmanager and a real rsyslog that requires a client certificate over TLS. Techniques done against
// the API server arrive at both as alerts; with both receivers stopped, the alerts of the techniques
// done meanwhile arrive when they start again; a client without the API server's certificate is refused.
func TestAuditServeIsTheAPIServersWebhookAndDeliversEveryAlert(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: starts the control plane, Alertmanager and rsyslog (not with -short)")
	}
	alertmanagerBin := requireCommand(t, "prometheus-alertmanager")
	rsyslogBin := requireCommand(t, "rsyslogd")
	if _, err := os.Stat("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so"); err != nil {
		pulumitest.Unavailable(t, "rsyslog's GnuTLS driver (Debian's rsyslog-gnutls) is not installed")
	}
	kubeharden := pulumitest.BuildCLI(t)
	ports := cluster.FreePorts(t, 4)
	servePort, amPort, syslogPort, metricsPort := ports[0], ports[1], ports[2], ports[3]
	dir := t.TempDir()

	// The receivers.
	syslogPKI := newSyslogPKI(t, dir)
	startAlertmanager := func() func() {
		return startProcess(t, dir, "alertmanager", alertmanagerBin, alertmanagerArgs(t, dir, amPort))
	}
	startRsyslog := func() func() {
		return startProcess(t, dir, "rsyslogd", rsyslogBin, []string{"-n", "-f", rsyslogConfig(t, dir, syslogPort, syslogPKI), "-i", filepath.Join(dir, "rsyslogd.pid")})
	}
	stopAM, stopSyslog := startAlertmanager(), startRsyslog()
	waitListening(t, "Alertmanager", amPort)
	waitListening(t, "rsyslog", syslogPort)

	// The control plane, whose audit webhook is audit serve.
	c := cluster.Start(t, func(p *config.Profile) {
		p.ControlPlane.Audit.WebhookServer = fmt.Sprintf("https://127.0.0.1:%d/audit", servePort)
	})
	serveArgs := []string{"audit", "serve", "--listen", fmt.Sprintf("127.0.0.1:%d", servePort),
		"--cert", c.Paths.AuditWebhookServerCert(), "--key", c.Paths.AuditWebhookServerKey(), "--client-ca", c.Paths.CACert(),
		"--queue-dir", filepath.Join(dir, "queue"), "--alerts-file", filepath.Join(dir, "alerts.jsonl"),
		"--alertmanager", fmt.Sprintf("http://127.0.0.1:%d", amPort),
		"--syslog", fmt.Sprintf("127.0.0.1:%d", syslogPort), "--syslog-ca", syslogPKI.ca, "--syslog-cert", syslogPKI.clientCert, "--syslog-key", syslogPKI.clientKey,
		"--metrics-listen", fmt.Sprintf("127.0.0.1:%d", metricsPort)}
	c.Run(t, "audit-serve", kubeharden, serveArgs)
	waitListening(t, "audit serve", servePort)

	// Only the API server's webhook identity may post.
	serveURL := fmt.Sprintf("https://127.0.0.1:%d/audit", servePort)
	_, err := httpsClient(t, c.Inputs.PKI.ClusterCA.Cert, pki.KeyPair{}).Post(serveURL, "application/json", strings.NewReader("{}"))
	assert.Error(t, err, "no client certificate: no connection")
	resp, err := httpsClient(t, c.Inputs.PKI.ClusterCA.Cert, c.Inputs.PKI.Admin).Post(serveURL, "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "the admin's certificate is not the API server's")

	ctx := context.Background()
	rc := c.Client.CoreV1().RESTClient()
	// Techniques while the receivers are up.
	_ = rc.Post().Namespace("default").Resource("pods").Name("web-0").SubResource("exec").Param("command", "sh").Param("stdout", "true").Do(ctx).Error()
	_, err = c.Client.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "intruder-admin"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "default", Namespace: "default"}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	first := waitAlerts(t, dir, "pod-exec-attach-portforward", "cluster-admin-binding")
	waitDelivered(t, dir, amPort, first)

	// Both receivers down: the techniques' alerts wait in audit serve's queues.
	stopAM()
	stopSyslog()
	_, err = c.Client.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	_ = rc.Get().AbsPath("/api/v1/nodes/worker-1/proxy/configz").Do(ctx).Error()
	second := waitAlerts(t, dir, "secrets-read-cluster-wide", "nodes-proxy")
	cluster.WaitFor(t, "a failed delivery to each receiver", 60*time.Second, func() error {
		m := metricsText(t, metricsPort)
		for _, sink := range []string{"alertmanager", "syslog"} {
			if metricValue(m, `kubeharden_audit_delivery_failures_total{sink="`+sink+`"}`) < 1 {
				return fmt.Errorf("no failed delivery to %s yet", sink)
			}
		}
		return nil
	})
	startAlertmanager()
	startRsyslog()
	waitDelivered(t, dir, amPort, second)
	m := metricsText(t, metricsPort)
	assert.Zero(t, metricValue(m, `kubeharden_audit_alerts_dropped_total{sink="alertmanager"}`))
	assert.Zero(t, metricValue(m, `kubeharden_audit_alerts_dropped_total{sink="syslog"}`))
}

// requireCommand is the path of a program on PATH; the test is unavailable without it.
func requireCommand(t *testing.T, name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		pulumitest.Unavailable(t, name+" is not installed (make tools installs it from Debian's packages)")
	}
	return p
}

// startProcess starts a program with its output in dir/<name>.log, and returns what stops it.
func startProcess(t *testing.T, dir, name, path string, args []string) func() {
	t.Helper()
	log, err := os.OpenFile(filepath.Join(dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(t, err)
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = log, log
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); log.Close(); close(done) }()
	stop := func() {
		select {
		case <-done:
			return
		default:
		}
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			data, _ := os.ReadFile(filepath.Join(dir, name+".log"))
			t.Logf("--- %s.log:\n%s", name, data[max(0, len(data)-3000):])
		}
	})
	return stop
}

func waitListening(t *testing.T, what string, port int) {
	t.Helper()
	cluster.WaitFor(t, what+" listening", 60*time.Second, func() error {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			conn.Close()
		}
		return err
	})
}

func alertmanagerArgs(t *testing.T, dir string, port int) []string {
	t.Helper()
	cfg := filepath.Join(dir, "alertmanager.yml")
	require.NoError(t, os.WriteFile(cfg, []byte("route:\n  receiver: none\n  group_wait: 1s\nreceivers:\n  - name: none\n"), 0o600))
	return []string{"--config.file=" + cfg, "--storage.path=" + filepath.Join(dir, "alertmanager"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port), "--cluster.listen-address="}
}

// syslogPKI is the syslog receiver's CA, its serving certificate and a client certificate for audit serve.
type syslogPKI struct{ ca, serverCert, serverKey, clientCert, clientKey string }

func newSyslogPKI(t *testing.T, dir string) syslogPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "syslog-ca"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	write := func(name string, block *pem.Block) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, pem.EncodeToMemory(block), 0o600))
		return p
	}
	leaf := func(cn string, serial int64, usage x509.ExtKeyUsage) (string, string) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn}, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			KeyUsage: x509.KeyUsageDigitalSignature, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		require.NoError(t, err)
		keyDER, err := x509.MarshalECPrivateKey(key)
		require.NoError(t, err)
		return write(cn+".crt", &pem.Block{Type: "CERTIFICATE", Bytes: der}), write(cn+".key", &pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	}
	out := syslogPKI{ca: write("syslog-ca.crt", &pem.Block{Type: "CERTIFICATE", Bytes: caDER})}
	out.serverCert, out.serverKey = leaf("syslog-server", 2, x509.ExtKeyUsageServerAuth)
	out.clientCert, out.clientKey = leaf("audit-serve", 3, x509.ExtKeyUsageClientAuth)
	return out
}

// rsyslogConfig is an rsyslog that takes RFC 5425 syslog over TLS on port, only from a client certificate
// of the syslog CA, and writes each message's MSGID and body to dir/syslog.log.
func rsyslogConfig(t *testing.T, dir string, port int, p syslogPKI) string {
	t.Helper()
	work := filepath.Join(dir, "rsyslog")
	require.NoError(t, os.MkdirAll(work, 0o700))
	cfg := fmt.Sprintf(`global(workDirectory=%q
  DefaultNetstreamDriver="gtls"
  DefaultNetstreamDriverCAFile=%q
  DefaultNetstreamDriverCertFile=%q
  DefaultNetstreamDriverKeyFile=%q)
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="x509/certvalid")
input(type="imtcp" address="127.0.0.1" port="%d")
template(name="line" type="string" string="%%msgid%% %%msg%%\n")
action(type="omfile" file=%q template="line")
`, work, p.ca, p.serverCert, p.serverKey, port, filepath.Join(dir, "syslog.log"))
	path := filepath.Join(dir, "rsyslog.conf")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}

func httpsClient(t *testing.T, caPEM string, kp pki.KeyPair) *http.Client {
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM([]byte(caPEM)))
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if kp.Cert != "" {
		c, err := tls.X509KeyPair([]byte(kp.Cert), []byte(kp.Key))
		require.NoError(t, err)
		cfg.Certificates = []tls.Certificate{c}
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
}

// waitAlerts waits until audit serve's JSON lines hold an alert of each rule, and returns those alerts.
func waitAlerts(t *testing.T, dir string, rules ...string) []detections.Alert {
	t.Helper()
	var out []detections.Alert
	cluster.WaitFor(t, "the alerts of "+strings.Join(rules, ", "), 90*time.Second, func() error {
		out = nil
		data, _ := os.ReadFile(filepath.Join(dir, "alerts.jsonl"))
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		found := map[string]bool{}
		for sc.Scan() {
			var a detections.Alert
			if json.Unmarshal(sc.Bytes(), &a) == nil {
				for _, r := range rules {
					if a.Rule == r {
						out = append(out, a)
						found[r] = true
					}
				}
			}
		}
		for _, r := range rules {
			if !found[r] {
				return fmt.Errorf("no alert of %s yet", r)
			}
		}
		return nil
	})
	return out
}

// waitDelivered waits until each alert is in Alertmanager (by its audit ID label) and in rsyslog's file.
func waitDelivered(t *testing.T, dir string, amPort int, alerts []detections.Alert) {
	t.Helper()
	cluster.WaitFor(t, "the alerts in Alertmanager and rsyslog", 120*time.Second, func() error {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/v2/alerts?filter=alertname%%3D%%22%s%%22", amPort, auditserve.AlertName))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var am []struct {
			Labels map[string]string `json:"labels"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&am); err != nil {
			return err
		}
		inAM := map[string]string{}
		for _, a := range am {
			inAM[a.Labels["audit_id"]] = a.Labels["rule"]
		}
		syslog, _ := os.ReadFile(filepath.Join(dir, "syslog.log"))
		for _, a := range alerts {
			if inAM[a.AuditID] != a.Rule {
				return fmt.Errorf("%s (%s) not in Alertmanager", a.Rule, a.AuditID)
			}
			if !bytes.Contains(syslog, []byte(a.Rule+" ")) || !bytes.Contains(syslog, []byte(`"auditID":"`+a.AuditID+`"`)) {
				return fmt.Errorf("%s (%s) not in rsyslog's file", a.Rule, a.AuditID)
			}
		}
		return nil
	})
}

func metricsText(t *testing.T, port int) string {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(data)
}

// metricValue is the value of a series in Prometheus text, 0 when absent.
func metricValue(text, series string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}
