package auditserve

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/detections"
	"github.com/kubeharden/kubeharden/pki"
)

// fakeSink records what it is given; while down, it refuses every batch.
type fakeSink struct {
	mu     sync.Mutex
	down   bool
	got    []detections.Alert
	refuse int
}

func (f *fakeSink) Name() string { return "fake" }

func (f *fakeSink) Deliver(_ context.Context, alerts []detections.Alert) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		f.refuse++
		return errors.New("down")
	}
	f.got = append(f.got, alerts...)
	return nil
}

func (f *fakeSink) setDown(down bool) { f.mu.Lock(); f.down = down; f.mu.Unlock() }

func (f *fakeSink) alerts() []detections.Alert {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]detections.Alert(nil), f.got...)
}

// execEvent is the audit event of an exec into shop/web-<i> by mallory.
func execEvent(i int) string {
	return fmt.Sprintf(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"id-%d","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/pods/web-%d/exec","verb":"create","user":{"username":"mallory"},"objectRef":{"resource":"pods","namespace":"shop","name":"web-%d","apiVersion":"v1","subresource":"exec"},"responseStatus":{"metadata":{},"code":101},"stageTimestamp":"2026-12-07T10:00:%02d.000000Z"}`, i, i, i, i%60)
}

func eventList(events ...string) string {
	return `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + strings.Join(events, ",") + `]}`
}

// harness is a receiver on 127.0.0.1 with certificates from kubeharden's PKI.
type harness struct {
	bundle *pki.Bundle
	url    string
	r      *Receiver
	stop   func()
}

func startReceiver(t *testing.T, b *pki.Bundle, dir string, sinks []Sink, maxQueueBytes int64) *harness {
	t.Helper()
	cert, err := tls.X509KeyPair([]byte(b.AuditWebhookServer.Cert), []byte(b.AuditWebhookServer.Key))
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM([]byte(b.ClusterCA.Cert)))
	r, err := NewReceiver(cert, pool, detections.DefaultRules(), sinks, dir, maxQueueBytes, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Serve(ctx, l) }()
	h := &harness{bundle: b, url: "https://" + l.Addr().String() + "/", r: r}
	h.stop = func() {
		cancel()
		require.NoError(t, <-done)
		require.NoError(t, r.Close())
	}
	return h
}

// client is an HTTPS client that trusts the cluster CA and presents kp (none when empty).
func (h *harness) client(t *testing.T, kp pki.KeyPair) *http.Client {
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM([]byte(h.bundle.ClusterCA.Cert)))
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if kp.Cert != "" {
		c, err := tls.X509KeyPair([]byte(kp.Cert), []byte(kp.Key))
		require.NoError(t, err)
		cfg.Certificates = []tls.Certificate{c}
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
}

func (h *harness) post(t *testing.T, c *http.Client, body string) (int, error) {
	resp, err := c.Post(h.url, "application/json", bytes.NewBufferString(body))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

func bundle(t *testing.T) *pki.Bundle {
	b, err := pki.Generate(pki.Options{AuditWebhookSANs: []string{"127.0.0.1"}})
	require.NoError(t, err)
	return b
}

// TestTheReceiverTakesBatchesOnlyFromTheAPIServer: no client certificate is refused in the handshake;
// a certificate of the cluster CA that is not the API server's webhook identity (the admin's) is
// refused with 403; a body that is not an EventList with 400; the API server's batch is taken (200),
// and its exec is an alert at the sink.
func TestTheReceiverTakesBatchesOnlyFromTheAPIServer(t *testing.T) {
	b := bundle(t)
	sink := &fakeSink{}
	h := startReceiver(t, b, t.TempDir(), []Sink{sink}, 0)
	defer h.stop()

	_, err := h.post(t, h.client(t, pki.KeyPair{}), eventList(execEvent(1)))
	require.Error(t, err, "no client certificate: no connection")
	code, err := h.post(t, h.client(t, b.Admin), eventList(execEvent(1)))
	require.NoError(t, err)
	assert.Equal(t, http.StatusForbidden, code, "another identity of the cluster CA")
	apiServer := h.client(t, b.AuditWebhookClient)
	for _, bad := range []string{`not json`, `{"kind":"EventList","apiVersion":"audit.k8s.io/v2","items":[]}`, `{"kind":"Event","apiVersion":"audit.k8s.io/v1"}`} {
		code, err = h.post(t, apiServer, bad)
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadRequest, code, bad)
	}
	code, err = h.post(t, apiServer, eventList(execEvent(1), `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","user":{"username":"alice"}}`))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code)
	require.Eventually(t, func() bool { return len(sink.alerts()) == 1 }, 10*time.Second, 20*time.Millisecond)
	a := sink.alerts()[0]
	assert.Equal(t, "pod-exec-attach-portforward", a.Rule)
	assert.Equal(t, "mallory", a.User)
	assert.Equal(t, 2.0, testutil.ToFloat64(h.r.metrics.events))
	assert.Equal(t, 1.0, testutil.ToFloat64(h.r.metrics.refused.WithLabelValues("client")))
	assert.Equal(t, 3.0, testutil.ToFloat64(h.r.metrics.refused.WithLabelValues("body")))
}

// TestASinkThatIsDownGetsEveryAlertWhenItComesBack: alerts raised while the sink refuses stay queued, in
// order, through a restart of the receiver, and arrive when it takes them again; the failures are counted.
func TestASinkThatIsDownGetsEveryAlertWhenItComesBack(t *testing.T) {
	b := bundle(t)
	dir := t.TempDir()
	sink := &fakeSink{down: true}
	h := startReceiver(t, b, dir, []Sink{sink}, 0)
	apiServer := h.client(t, b.AuditWebhookClient)
	for i := range 5 {
		code, err := h.post(t, apiServer, eventList(execEvent(2*i), execEvent(2*i+1)))
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, code)
	}
	require.Eventually(t, func() bool { return testutil.ToFloat64(h.r.metrics.failures.WithLabelValues("fake")) >= 1 }, 10*time.Second, 20*time.Millisecond)
	assert.Empty(t, sink.alerts())
	h.stop() // the receiver stops with every alert still queued

	sink.setDown(false)
	h = startReceiver(t, b, dir, []Sink{sink}, 0)
	defer h.stop()
	require.Eventually(t, func() bool { return len(sink.alerts()) == 10 }, 20*time.Second, 50*time.Millisecond)
	for i, a := range sink.alerts() {
		assert.Equal(t, fmt.Sprintf("id-%d", i), a.AuditID, "in order")
	}
}

// TestAFullQueueIsNeverSilent: past its bound a sink's queue drops the new alerts for that sink only,
// counted; the event queue past its bound refuses the batch with 503, so the API server sends it again.
func TestAFullQueueIsNeverSilent(t *testing.T) {
	b := bundle(t)
	down := &fakeSink{down: true}
	h := startReceiver(t, b, t.TempDir(), []Sink{down}, 1200)
	defer h.stop()
	apiServer := h.client(t, b.AuditWebhookClient)
	var code int
	var err error
	for i := range 6 {
		code, err = h.post(t, apiServer, eventList(execEvent(i)))
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, code)
		time.Sleep(50 * time.Millisecond) // evaluated one by one
	}
	require.Eventually(t, func() bool { return testutil.ToFloat64(h.r.metrics.dropped.WithLabelValues("fake")) >= 1 }, 10*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool { return h.r.events.Pending() == 0 }, 10*time.Second, 20*time.Millisecond)
	queued, _, err := h.r.queues[0].Read(100)
	require.NoError(t, err)
	dropped := testutil.ToFloat64(h.r.metrics.dropped.WithLabelValues("fake"))
	assert.Equal(t, 6, int(dropped)+len(queued), "each alert queued or counted as dropped")
	assert.NotEmpty(t, queued)

	code, err = h.post(t, apiServer, eventList(strings.Repeat(execEvent(0)+",", 10)+execEvent(0)))
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, code, "a batch past the event queue's bound")
	assert.Equal(t, 1.0, testutil.ToFloat64(h.r.metrics.refused.WithLabelValues("full")))
}
