package auditserve

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"

	"github.com/kubeharden/kubeharden/detections"
)

// Sink is where alerts go. Deliver returns nil only once every alert of the batch is delivered; an
// error leaves the batch in the sink's queue, to be delivered again.
type Sink interface {
	Name() string
	Deliver(ctx context.Context, alerts []detections.Alert) error
}

// JSONLines appends alerts as JSON lines to a file, synced.
type JSONLines struct{ Path string }

func (s JSONLines) Name() string { return "jsonl" }

func (s JSONLines) Deliver(_ context.Context, alerts []detections.Alert) error {
	var buf bytes.Buffer
	for _, a := range alerts {
		line, err := json.Marshal(a)
		if err != nil {
			return err
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	f, err := os.OpenFile(s.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Alertmanager posts alerts to an Alertmanager's v2 API (POST /api/v2/alerts). Each alert is one
// Alertmanager alert, named KubehardenDetection, labelled with its rule, severity, techniques and audit
// ID (so that two requests are two alerts, not one deduplicated), annotated with its title and detail,
// and resolved after Resolve (an audit event is a moment, not a state).
type Alertmanager struct {
	// URL is the Alertmanager's base URL (http://127.0.0.1:9093).
	URL     string
	Client  *http.Client
	Resolve time.Duration
}

// AlertName is the alertname of every alert kubeharden posts to Alertmanager.
const AlertName = "KubehardenDetection"

func (s Alertmanager) Name() string { return "alertmanager" }

func (s Alertmanager) Deliver(ctx context.Context, alerts []detections.Alert) error {
	out := make([]model.Alert, len(alerts))
	for i, a := range alerts {
		out[i] = model.Alert{
			Labels: model.LabelSet{
				model.AlertNameLabel: AlertName, "rule": model.LabelValue(a.Rule), "severity": model.LabelValue(a.Severity),
				"mitre": model.LabelValue(a.MITRE), "threat_matrix": model.LabelValue(a.ThreatMatrix), "audit_id": model.LabelValue(a.AuditID),
			},
			Annotations: model.LabelSet{
				"summary": model.LabelValue(a.Title), "description": model.LabelValue(a.Detail),
				"user": model.LabelValue(a.User), "object": model.LabelValue(a.Object), "verb": model.LabelValue(a.Verb),
			},
			StartsAt: a.Time,
			EndsAt:   a.Time.Add(s.Resolve),
		}
	}
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(s.URL, "/")+"/api/v2/alerts", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("alertmanager %s: %s: %s", s.URL, resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}

// Syslog sends alerts as RFC 5424 messages over TLS (RFC 5425: octet-counted frames), presenting a
// client certificate where TLS has one. The message is the alert's JSON; its MSGID the rule.
type Syslog struct {
	Addr     string
	TLS      *tls.Config
	Hostname string

	mu   sync.Mutex
	conn *tls.Conn
}

func (s *Syslog) Name() string { return "syslog" }

// syslogSeverities are RFC 5424 severities of the alerts' severities.
var syslogSeverities = map[detections.Severity]int{
	detections.SeverityCritical: 2, detections.SeverityHigh: 3, detections.SeverityMedium: 4, detections.SeverityLow: 5,
}

// syslogFacility is RFC 5424's "log audit" facility.
const syslogFacility = 13

// SyslogMessage is an alert as an RFC 5424 message.
func SyslogMessage(a detections.Alert, hostname string) ([]byte, error) {
	body, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	if hostname == "" {
		hostname = "-"
	}
	pri := syslogFacility*8 + syslogSeverities[a.Severity]
	header := fmt.Sprintf("<%d>1 %s %s kubeharden - %s - ", pri, a.Time.UTC().Format(time.RFC3339Nano), hostname, a.Rule)
	return append([]byte(header), body...), nil
}

func (s *Syslog) Deliver(ctx context.Context, alerts []detections.Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var frames bytes.Buffer
	for _, a := range alerts {
		msg, err := SyslogMessage(a, s.Hostname)
		if err != nil {
			return err
		}
		frames.WriteString(strconv.Itoa(len(msg)))
		frames.WriteByte(' ')
		frames.Write(msg)
	}
	if s.conn == nil {
		d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: 10 * time.Second}, Config: s.TLS}
		c, err := d.DialContext(ctx, "tcp", s.Addr)
		if err != nil {
			return err
		}
		s.conn = c.(*tls.Conn)
	}
	_ = s.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if _, err := s.conn.Write(frames.Bytes()); err != nil {
		s.conn.Close()
		s.conn = nil
		return err
	}
	// A receiver that closed the connection shows it only on the next read: look for it now, so that a
	// batch written into a closed connection is sent again, not taken as delivered.
	_ = s.conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	var one [1]byte
	if _, err := s.conn.Read(one[:]); err != nil {
		if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
			s.conn.Close()
			s.conn = nil
			return fmt.Errorf("syslog %s closed the connection: %w", s.Addr, err)
		}
	}
	return nil
}
