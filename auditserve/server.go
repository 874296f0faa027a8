package auditserve

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/kubeharden/kubeharden/detections"
	"github.com/kubeharden/kubeharden/pki"
)

// Defaults of a Receiver's bounds.
const (
	DefaultMaxQueueBytes = 256 << 20
	MaxBatchBytes        = 64 << 20
	batchLines           = 500
)

// Receiver is an audit webhook backend: the API server posts it audit.k8s.io/v1 EventLists over mutual
// TLS; it answers once the events are on disk, evaluates the rules on them, and delivers the alerts to
// each sink from a queue of the sink's own, so that a sink that is down gets every alert when it comes
// back, and a sink's queue that is full drops (counted, logged) only for that sink.
type Receiver struct {
	// TLS is the server's TLS configuration: its certificate, and the client CAs a client certificate
	// must chain to (RequireAndVerifyClientCert is set by NewReceiver).
	TLS *tls.Config
	// ClientCN is the common name the client certificate must carry (pki.AuditWebhookClientCN).
	ClientCN string
	Rules    []detections.Rule
	Sinks    []Sink
	// QueueDir holds the queues; MaxQueueBytes bounds each.
	QueueDir      string
	MaxQueueBytes int64
	Log           *slog.Logger

	events  *queue
	queues  []*queue
	metrics *metrics
	scanner *detections.Scanner
}

// NewReceiver opens the receiver's queues in dir (what a previous run left in them is delivered first).
func NewReceiver(serverCert tls.Certificate, clientCAs *x509.CertPool, rules []detections.Rule, sinks []Sink, dir string, maxQueueBytes int64, log *slog.Logger) (*Receiver, error) {
	if maxQueueBytes <= 0 {
		maxQueueBytes = DefaultMaxQueueBytes
	}
	r := &Receiver{
		TLS: &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientCAs: clientCAs, ClientAuth: tls.RequireAndVerifyClientCert,
			MinVersion: tls.VersionTLS12},
		ClientCN: pki.AuditWebhookClientCN, Rules: rules, Sinks: sinks, QueueDir: dir, MaxQueueBytes: maxQueueBytes, Log: log,
		metrics: newMetrics(), scanner: detections.NewScanner(rules),
	}
	var err error
	if r.events, err = openQueue(dir, "events", maxQueueBytes); err != nil {
		return nil, err
	}
	for _, s := range sinks {
		q, err := openQueue(dir, "alerts-"+s.Name(), maxQueueBytes)
		if err != nil {
			return nil, err
		}
		r.queues = append(r.queues, q)
	}
	return r, nil
}

// Registry holds the receiver's metrics (events received and refused, alerts, deliveries, failures and
// drops by sink, queue lengths).
func (r *Receiver) Registry() *prometheus.Registry { return r.metrics.registry }

// ServeHTTP takes one EventList: refused (400) when it is not one, 503 when the event queue is full
// (the API server tries the batch again), 200 once its events are on disk.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		http.Error(w, "POST an audit.k8s.io/v1 EventList", http.StatusMethodNotAllowed)
		return
	}
	if req.TLS == nil || len(req.TLS.PeerCertificates) == 0 || req.TLS.PeerCertificates[0].Subject.CommonName != r.ClientCN {
		r.metrics.refused.WithLabelValues("client").Inc()
		http.Error(w, "a client certificate of "+r.ClientCN+" is required", http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, MaxBatchBytes))
	if err != nil {
		r.metrics.refused.WithLabelValues("body").Inc()
		http.Error(w, "reading the batch: "+err.Error(), http.StatusBadRequest)
		return
	}
	var list struct {
		APIVersion string            `json:"apiVersion"`
		Kind       string            `json:"kind"`
		Items      []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(body, &list); err != nil || list.APIVersion != auditv1.SchemeGroupVersion.String() || list.Kind != "EventList" {
		r.metrics.refused.WithLabelValues("body").Inc()
		http.Error(w, fmt.Sprintf("not an %s EventList (apiVersion %q, kind %q): %v", auditv1.SchemeGroupVersion, list.APIVersion, list.Kind, err), http.StatusBadRequest)
		return
	}
	lines := make([][]byte, len(list.Items))
	for i, item := range list.Items {
		lines[i] = compact(item)
	}
	if err := r.events.Append(lines); err != nil {
		r.metrics.refused.WithLabelValues("full").Inc()
		r.Log.Error("events not queued: the API server will send them again", "events", len(lines), "err", err)
		http.Error(w, "the event queue: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	r.metrics.events.Add(float64(len(lines)))
	w.WriteHeader(http.StatusOK)
}

// compact is raw JSON on one line (the queue's lines end at a newline).
func compact(raw json.RawMessage) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return raw // not valid JSON: the evaluator says so
	}
	return buf.Bytes()
}

// Serve accepts the API server's batches on l (TLS is added here) until ctx ends, evaluating and
// delivering meanwhile; it returns once they have stopped.
func (r *Receiver) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{Handler: r, TLSConfig: r.TLS, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(r.Log.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	workers := 1 + len(r.Sinks)
	go func() { r.evaluate(ctx); done <- struct{}{} }()
	for i, s := range r.Sinks {
		go func() { r.deliver(ctx, s, r.queues[i]); done <- struct{}{} }()
	}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	err := srv.ServeTLS(l, "", "")
	for range workers {
		<-done
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// MetricsHandler serves the receiver's metrics in Prometheus' text format.
func (r *Receiver) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(r.metrics.registry, promhttp.HandlerOpts{})
}

// evaluate reads the event queue, runs the rules, and queues each alert for every sink.
func (r *Receiver) evaluate(ctx context.Context) {
	for {
		lines, next, err := r.events.Read(batchLines)
		if err != nil {
			r.Log.Error("reading the event queue", "err", err)
		}
		if len(lines) == 0 {
			select {
			case <-ctx.Done():
				return
			case <-r.events.ready:
			case <-time.After(time.Second):
			}
			continue
		}
		var alerts [][]byte
		for _, line := range lines {
			var ev auditv1.Event
			if err := json.Unmarshal(line, &ev); err != nil {
				r.metrics.unread.Inc()
				r.Log.Error("an event that is not an audit event: not judged", "err", err, "event", truncate(line))
				continue
			}
			for _, a := range r.scanner.Event(&ev) {
				r.metrics.alerts.WithLabelValues(a.Rule).Inc()
				data, _ := json.Marshal(a)
				alerts = append(alerts, data)
			}
		}
		for i, q := range r.queues {
			if len(alerts) == 0 {
				break
			}
			if err := q.Append(alerts); err != nil {
				r.metrics.dropped.WithLabelValues(r.Sinks[i].Name()).Add(float64(len(alerts)))
				r.Log.Error("alerts dropped for a sink: its queue is full", "sink", r.Sinks[i].Name(), "alerts", len(alerts), "err", err)
			}
		}
		if err := r.events.Ack(next); err != nil {
			r.Log.Error("acknowledging the event queue", "err", err)
		}
	}
}

// deliver sends a sink's queue to it in order, a batch at a time, retrying a failed batch with backoff
// (1 s doubling to 30 s) until it is delivered.
func (r *Receiver) deliver(ctx context.Context, s Sink, q *queue) {
	backoff := time.Second
	for {
		r.metrics.pending.WithLabelValues(s.Name()).Set(float64(q.Pending()))
		lines, next, err := q.Read(batchLines)
		if err != nil {
			r.Log.Error("reading a sink's queue", "sink", s.Name(), "err", err)
		}
		if len(lines) == 0 {
			select {
			case <-ctx.Done():
				return
			case <-q.ready:
			case <-time.After(time.Second):
			}
			continue
		}
		alerts := make([]detections.Alert, 0, len(lines))
		for _, l := range lines {
			var a detections.Alert
			if json.Unmarshal(l, &a) == nil {
				alerts = append(alerts, a)
			}
		}
		sendCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = s.Deliver(sendCtx, alerts)
		cancel()
		if err != nil {
			r.metrics.failures.WithLabelValues(s.Name()).Inc()
			r.Log.Warn("delivery failed; the alerts stay queued", "sink", s.Name(), "alerts", len(alerts), "retry_in", backoff, "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 30*time.Second)
			continue
		}
		backoff = time.Second
		r.metrics.delivered.WithLabelValues(s.Name()).Add(float64(len(alerts)))
		if err := q.Ack(next); err != nil {
			r.Log.Error("acknowledging a sink's queue", "sink", s.Name(), "err", err)
		}
	}
}

func truncate(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}

// Close closes the queues.
func (r *Receiver) Close() error {
	err := r.events.Close()
	for _, q := range r.queues {
		err = errors.Join(err, q.Close())
	}
	return err
}

// LoadTLS reads the receiver's serving certificate and key and the CA its clients' certificates must
// chain to.
func LoadTLS(certFile, keyFile, clientCAFile string) (tls.Certificate, *x509.CertPool, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("the serving certificate: %w", err)
	}
	pool, err := CertPool(clientCAFile)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("the client CA: %w", err)
	}
	return cert, pool, nil
}

// CertPool reads the PEM certificates of a CA file.
func CertPool(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s: no PEM certificate", path)
	}
	return pool, nil
}
