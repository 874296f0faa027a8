package auditserve

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/detections"
)

var anAlert = detections.Alert{Rule: "pod-exec-attach-portforward", Title: "Exec into a pod", Severity: detections.SeverityHigh,
	MITRE: "T1609", ThreatMatrix: "Exec into container", Time: time.Date(2026, 12, 7, 10, 0, 1, 500, time.UTC), AuditID: "id-1",
	User: "mallory", Verb: "create", Object: "pods/exec shop/web", Detail: "exec into shop/web"}

// TestASyslogMessageIsRFC5424: PRI (log audit facility, the severity's level), version 1, an RFC 3339
// timestamp, host, app kubeharden, no process id, the rule as MSGID, no structured data, the alert's JSON.
func TestASyslogMessageIsRFC5424(t *testing.T) {
	msg, err := SyslogMessage(anAlert, "node-1")
	require.NoError(t, err)
	m := regexp.MustCompile(`^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (.*)$`).FindStringSubmatch(string(msg))
	require.NotNil(t, m, "%s", msg)
	assert.Equal(t, []string{"107", "2026-12-07T10:00:01.0000005Z", "node-1", "kubeharden", "-", "pod-exec-attach-portforward", "-"}, m[1:8], "13*8+3: log audit, error")
	var back detections.Alert
	require.NoError(t, json.Unmarshal([]byte(m[8]), &back))
	assert.Equal(t, anAlert, back)
}

// TestAlertmanagerGetsOneAlertARequest: the v2 API's POST /api/v2/alerts, one alert per audit event
// (its audit ID a label), resolved after Resolve; an answer other than 200 is an error (kept queued).
func TestAlertmanagerGetsOneAlertARequest(t *testing.T) {
	var got []map[string]any
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/api/v2/alerts", r.URL.Path)
		assert.Equal(t, http.MethodPost, r.Method)
		require.NoError(t, json.NewDecoder(r.Body).Decode(&got))
		w.WriteHeader(status)
	}))
	defer srv.Close()
	am := Alertmanager{URL: srv.URL + "/", Client: srv.Client(), Resolve: time.Hour}
	second := anAlert
	second.AuditID = "id-2"
	require.NoError(t, am.Deliver(context.Background(), []detections.Alert{anAlert, second}))
	require.Len(t, got, 2)
	assert.Equal(t, map[string]any{"alertname": AlertName, "rule": "pod-exec-attach-portforward", "severity": "high", "mitre": "T1609",
		"threat_matrix": "Exec into container", "audit_id": "id-1"}, got[0]["labels"])
	assert.Equal(t, "id-2", got[1]["labels"].(map[string]any)["audit_id"])
	assert.Equal(t, "2026-12-07T10:00:01.0000005Z", got[0]["startsAt"])
	assert.Equal(t, "2026-12-07T11:00:01.0000005Z", got[0]["endsAt"])
	status = http.StatusBadRequest
	assert.ErrorContains(t, am.Deliver(context.Background(), []detections.Alert{anAlert}), "400 Bad Request")
}
