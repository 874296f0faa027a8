package detections

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// MaxLineBytes is the longest audit event ScanFiles reads; a longer line is reported, not read.
const MaxLineBytes = 16 << 20

// recentIDs is how many audit IDs a Scanner remembers, to alert once for a request the API server logs
// at two stages (a long-running exec: ResponseStarted, then ResponseComplete).
const recentIDs = 4096

// Window is a correlation rule's state: the times of the events it counts, by key, and when it last
// alerted for each key.
type Window struct {
	times map[string][]time.Time
	fired map[string]time.Time
}

// Add counts an event at t for key and returns how many events for key fall in the span before t
// (itself included); it forgets the others, so that its memory is bounded by the burst, not the log.
func (w *Window) Add(key string, t time.Time, span time.Duration) int {
	if w.times == nil {
		w.times, w.fired = map[string][]time.Time{}, map[string]time.Time{}
	}
	kept := w.times[key][:0]
	for _, x := range w.times[key] {
		if d := t.Sub(x); d >= 0 && d < span { // an event from before the window, or after t (a log read again), is not counted
			kept = append(kept, x)
		}
	}
	w.times[key] = append(kept, t)
	return len(w.times[key])
}

// Fire is true when key has not fired within span before t, and records that it fires now.
func (w *Window) Fire(key string, t time.Time, span time.Duration) bool {
	if last, ok := w.fired[key]; ok && t.Sub(last) < span {
		return false
	}
	w.fired[key] = t
	return true
}

// Scanner evaluates rules on audit events, one at a time.
type Scanner struct {
	rules   []Rule
	windows []Window
	recent  map[string]bool
	order   []string
}

// NewScanner is a scanner of rules.
func NewScanner(rules []Rule) *Scanner {
	return &Scanner{rules: rules, windows: make([]Window, len(rules)), recent: map[string]bool{}}
}

// Event evaluates every rule on ev and returns its alerts.
func (s *Scanner) Event(ev *auditv1.Event) []Alert {
	var out []Alert
	for i, r := range s.rules {
		var detail string
		var ok bool
		if r.Match != nil {
			detail, ok = r.Match(ev)
			if ok && !s.first(r.ID, string(ev.AuditID)) {
				continue
			}
		} else {
			detail, ok = r.Correlate(ev, &s.windows[i])
		}
		if ok {
			out = append(out, Alert{Rule: r.ID, Title: r.Title, Severity: r.Severity, MITRE: r.MITRE, ThreatMatrix: r.ThreatMatrix,
				Time: ev.StageTimestamp.Time, AuditID: string(ev.AuditID), User: ev.User.Username, SourceIPs: ev.SourceIPs,
				Verb: ev.Verb, Object: object(ev), Code: code(ev), Detail: detail})
		}
	}
	return out
}

// first is true the first time rule alerts for an audit ID among the last recentIDs.
func (s *Scanner) first(rule, auditID string) bool {
	if auditID == "" {
		return true
	}
	key := rule + "\x00" + auditID
	if s.recent[key] {
		return false
	}
	s.recent[key] = true
	s.order = append(s.order, key)
	if len(s.order) > recentIDs {
		delete(s.recent, s.order[0])
		s.order = s.order[1:]
	}
	return true
}

// ReadError is what could not be read or judged: a file, or a line of one.
type ReadError struct {
	Path string `json:"path"`
	Line int    `json:"line,omitempty"`
	Err  string `json:"error"`
}

// Result is what a scan found.
type Result struct {
	Files  []string    `json:"files"`
	Events int         `json:"events"`
	Alerts []Alert     `json:"alerts"`
	Errors []ReadError `json:"errors"`
}

// ScanFiles reads audit logs (JSON lines of audit.k8s.io/v1 events; a name ending in .gz is gunzipped; a
// folder is read file by file, in name order) and evaluates the rules on every event, in order. What it
// cannot read (a file, a line that is not an event, a line longer than MaxLineBytes) is an error with its
// file and line, and the rest is still read.
func ScanFiles(rules []Rule, paths ...string) Result {
	res := Result{Alerts: []Alert{}, Errors: []ReadError{}}
	s := NewScanner(rules)
	for _, p := range paths {
		files, err := expand(p)
		if err != nil {
			res.Errors = append(res.Errors, ReadError{Path: p, Err: err.Error()})
			continue
		}
		for _, f := range files {
			res.Files = append(res.Files, f)
			if err := s.readFile(f, &res); err != nil {
				res.Errors = append(res.Errors, ReadError{Path: f, Err: err.Error()})
			}
		}
	}
	return res
}

// expand is p, or the regular files below it when it is a folder, in name order.
func expand(p string) ([]string, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return []string{p}, nil
	}
	var out []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			out = append(out, path)
		}
		return nil
	})
	sort.Strings(out)
	if err == nil && len(out) == 0 {
		err = errors.New("no file in this folder")
	}
	return out, err
}

func (s *Scanner) readFile(path string, res *Result) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("not gzip: %w", err)
		}
		defer gz.Close()
		r = gz
	}
	return s.Read(r, path, res)
}

// Read evaluates the rules on the JSON lines of r, named name in errors.
func (s *Scanner) Read(r io.Reader, name string, res *Result) error {
	br := bufio.NewReaderSize(r, 1<<20)
	var long []byte
	for line := 1; ; line++ {
		data, err := br.ReadSlice('\n')
		tooLong := false
		for errors.Is(err, bufio.ErrBufferFull) {
			if len(long)+len(data) <= MaxLineBytes {
				long = append(long, data...)
			} else {
				tooLong = true
			}
			data, err = br.ReadSlice('\n')
		}
		if long != nil {
			if len(long)+len(data) <= MaxLineBytes {
				data = append(long, data...)
			} else {
				tooLong = true
			}
			long = nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("line %d: %w", line, err)
		}
		switch trimmed := bytes.TrimSpace(data); {
		case tooLong:
			res.Errors = append(res.Errors, ReadError{Path: name, Line: line, Err: fmt.Sprintf("longer than the %d bytes an event may take", MaxLineBytes)})
		case len(trimmed) == 0:
		default:
			s.line(trimmed, name, line, res, errors.Is(err, io.EOF))
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
	}
}

// line evaluates one line; last says it had no line break (a file cut short).
func (s *Scanner) line(data []byte, name string, line int, res *Result, last bool) {
	var ev auditv1.Event
	if err := json.Unmarshal(data, &ev); err != nil {
		what := "not an audit event: " + err.Error()
		if last {
			what = "truncated, or " + what
		}
		res.Errors = append(res.Errors, ReadError{Path: name, Line: line, Err: what})
		return
	}
	if ev.APIVersion != "audit.k8s.io/v1" || ev.Kind != "Event" {
		res.Errors = append(res.Errors, ReadError{Path: name, Line: line, Err: fmt.Sprintf("apiVersion %q, kind %q: not an audit.k8s.io/v1 Event", ev.APIVersion, ev.Kind)})
		return
	}
	res.Events++
	res.Alerts = append(res.Alerts, s.Event(&ev)...)
}
