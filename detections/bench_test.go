package detections

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// realLog is testdata/e2e-audit.log.gz: the audit log of a real kube-apiserver 1.36 (started from
// kubeharden's rendered files by tests/e2e) through the control plane's start, a tenant's normal work
// and the technique suite of TestDetectionsNameEachTechniqueAndNothingElse.
const realLog = "testdata/e2e-audit.log.gz"

func readRealLog(t testing.TB) []byte {
	t.Helper()
	f, err := os.Open(realLog)
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	data, err := io.ReadAll(zr)
	require.NoError(t, err)
	return data
}

// TestTheRealLogIsReadWhole: every line of a real API server's log is an event the scanner reads, and the
// rules fire on the suite's techniques (each at least once) and on nothing of the normal work.
func TestTheRealLogIsReadWhole(t *testing.T) {
	res := ScanFiles(DefaultRules(), realLog)
	require.Empty(t, res.Errors)
	lines := bytes.Count(readRealLog(t), []byte("\n"))
	assert.Equal(t, lines, res.Events)
	fired := map[string]int{}
	for _, a := range res.Alerts {
		fired[a.Rule]++
	}
	for _, r := range DefaultRules() {
		switch r.ID {
		case "anonymous-request":
			continue // the hardened API server refuses anonymous requests: it logs none
		case "coredns-changed":
			continue // a rule newer than the log; tests/e2e's technique suite shows it on the real API server
		}
		assert.Positive(t, fired[r.ID], "%s fired on none of the suite's techniques", r.ID)
	}
	assert.Len(t, res.Alerts, 14, "one alert a technique, no more: %v", fired)
}

// repeat is data over and over, n bytes in all.
type repeat struct {
	data []byte
	off  int
	left int64
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := copy(p, r.data[r.off:])
	if int64(n) > r.left {
		n = int(r.left)
	}
	r.off = (r.off + n) % len(r.data)
	r.left -= int64(n)
	return n, nil
}

// BenchmarkAuditScan replays the real log to KUBEHARDEN_BENCH_EVENTS events (a million by default) through
// the scanner with every rule on, beside the floor: the same lines read and decoded by encoding/json into
// audit Events, nothing judged. It reports events per second and the heap in use at the end, which
// stays flat in the log's size (the scanner keeps a bounded window of audit IDs).
func BenchmarkAuditScan(b *testing.B) {
	data := readRealLog(b)
	perCopy := bytes.Count(data, []byte("\n"))
	events := 1_000_000
	if v := os.Getenv("KUBEHARDEN_BENCH_EVENTS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(b, err)
		events = n
	}
	copies := (events + perCopy - 1) / perCopy
	size := int64(copies) * int64(len(data))
	heap := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapInuse) / (1 << 20)
	}
	b.Run("json.Unmarshal floor", func(b *testing.B) {
		for b.Loop() {
			start, n := time.Now(), 0
			sc := bufio.NewScanner(&repeat{data: data, left: size})
			sc.Buffer(make([]byte, 1<<20), MaxLineBytes)
			for sc.Scan() {
				var ev auditv1.Event
				if json.Unmarshal(sc.Bytes(), &ev) == nil {
					n++
				}
			}
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "events/s")
		}
		b.ReportMetric(heap(), "MB-heap")
	})
	b.Run("audit scan, every rule", func(b *testing.B) {
		for b.Loop() {
			start := time.Now()
			var res Result
			require.NoError(b, NewScanner(DefaultRules()).Read(&repeat{data: data, left: size}, "replay", &res))
			b.ReportMetric(float64(res.Events)/time.Since(start).Seconds(), "events/s")
			b.ReportMetric(float64(len(res.Alerts)), "alerts")
		}
		b.ReportMetric(heap(), "MB-heap")
	})
}
