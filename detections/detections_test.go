package detections

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// event is an audit event line: a create of pods/exec by user at second s, with audit ID id and status.
func event(id, user, stage string, s, status int) string {
	return fmt.Sprintf(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":%q,"stage":%q,"requestURI":"/api/v1/namespaces/shop/pods/web/exec","verb":"create","user":{"username":%q},"sourceIPs":["10.0.0.9"],"objectRef":{"resource":"pods","namespace":"shop","name":"web","apiVersion":"v1","subresource":"exec"},"responseStatus":{"metadata":{},"code":%d},"stageTimestamp":"2026-12-07T10:%02d:%02d.000000Z"}`, id, stage, user, status, s/60, s%60)
}

// TestTheCatalogIsValidatedAsItIsBuilt: every rule says what it detects, why, its techniques, guide
// section, severity and needs; a rule that does not is refused when the catalog is built.
func TestTheCatalogIsValidatedAsItIsBuilt(t *testing.T) {
	rules := DefaultRules()
	require.NoError(t, Validate(rules))
	assert.GreaterOrEqual(t, len(rules), 15)
	saved := defaultRules
	t.Cleanup(func() { defaultRules, rulesError = saved, sync.OnceValue(validateRules) })
	defaultRules = append(append([]func() Rule(nil), saved...), func() Rule { r := saved[0](); r.ID, r.MITRE = "untraced", ""; return r })
	rulesError = sync.OnceValue(validateRules)
	assert.PanicsWithError(t, "the detection catalog: rule untraced: needs a title, what it detects, why, its MITRE and Threat Matrix techniques and its guide section", func() { DefaultRules() })
	bad := rules[0]
	bad.Correlate = func(*auditv1.Event, *Window) (string, bool) { return "", false }
	assert.ErrorContains(t, Validate([]Rule{bad}), "exactly one of Match and Correlate")
}

// TestScanReadsWhatItCanAndSaysWhatItCannot: plain and gzipped files and a folder are read in order; a
// line that is not JSON, one of another apiVersion, one cut short at the end of a file and one longer
// than MaxLineBytes are errors with their file and line, and the lines after them are still read; a
// request logged at two stages alerts once.
func TestScanReadsWhatItCanAndSaysWhatItCannot(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "a", "audit.log")
	require.NoError(t, os.MkdirAll(filepath.Dir(plain), 0o755))
	require.NoError(t, os.WriteFile(plain, []byte(strings.Join([]string{
		event("1", "mallory", "ResponseStarted", 1, 101),
		event("1", "mallory", "ResponseComplete", 2, 101),
		"not json",
		`{"kind":"Event","apiVersion":"audit.k8s.io/v2"}`,
		strings.Repeat("x", MaxLineBytes+10),
		event("2", "mallory", "ResponseComplete", 3, 101),
		`{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"3"`,
	}, "\n")), 0o644))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err := zw.Write([]byte(event("4", "eve", "ResponseComplete", 4, 101) + "\n"))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b-audit.log.1.gz"), gz.Bytes(), 0o644))

	res := ScanFiles(DefaultRules(), dir, filepath.Join(dir, "missing"))
	assert.Equal(t, []string{plain, filepath.Join(dir, "b-audit.log.1.gz")}, res.Files)
	assert.Equal(t, 4, res.Events)
	var ids []string
	for _, a := range res.Alerts {
		require.Equal(t, "pod-exec-attach-portforward", a.Rule)
		ids = append(ids, a.AuditID)
	}
	assert.Equal(t, []string{"1", "2", "4"}, ids, "one alert a request, the gzipped file's too")
	var where []string
	for _, e := range res.Errors {
		where = append(where, fmt.Sprintf("%s:%d", filepath.Base(e.Path), e.Line))
	}
	assert.Equal(t, []string{"audit.log:3", "audit.log:4", "audit.log:5", "audit.log:7", "missing:0"}, where)
	assert.Contains(t, res.Errors[1].Err, `apiVersion "audit.k8s.io/v2"`)
	assert.Contains(t, res.Errors[2].Err, "longer than")
	assert.Contains(t, res.Errors[3].Err, "truncated")
	assert.Equal(t, ExitUnread, res.ExitCode(), "what was not read fails the scan closed, whatever was found")

	var text bytes.Buffer
	require.NoError(t, res.WriteText(&text))
	assert.Contains(t, text.String(), "high     pod-exec-attach-portforward: exec into shop/web by mallory (create pods/exec shop/web, 101) [T1609 Container Administration Command; Exec into container]")
	assert.Contains(t, text.String(), "audit scan: 2 file(s), 4 event(s), 3 alert(s), 5 not read")

	clean := ScanFiles(DefaultRules(), filepath.Join(dir, "b-audit.log.1.gz"))
	assert.Equal(t, ExitAlerts, clean.ExitCode())
}

// TestABurstOfRefusalsIsOneAlertPerWindow: Burst refusals to one principal within BurstWindow alert once;
// fewer, or spread wider, do not.
func TestABurstOfRefusalsIsOneAlertPerWindow(t *testing.T) {
	var lines []string
	for i := range Burst - 1 {
		lines = append(lines, strings.Replace(event(fmt.Sprint(i), "bob", "ResponseComplete", i*7, 403), `"subresource":"exec"`, `"subresource":"log"`, 1))
	}
	r := ScanFiles(DefaultRules(), write(t, lines))
	assert.Empty(t, r.Alerts, "%d refusals over a minute", Burst-1)

	lines = nil
	for i := range 2*Burst + 3 {
		lines = append(lines, strings.Replace(event(fmt.Sprint(i), "bob", "ResponseComplete", i, 403), `"subresource":"exec"`, `"subresource":"log"`, 1))
	}
	r = ScanFiles(DefaultRules(), write(t, lines))
	require.Len(t, r.Alerts, 1, "one alert for the window, not one a refusal")
	assert.Equal(t, "denied-burst", r.Alerts[0].Rule)
	assert.Contains(t, r.Alerts[0].Detail, "10 refused requests (403) from bob")
}

func write(t *testing.T, lines []string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "audit.log")
	require.NoError(t, os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	return p
}
