package detections

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Exit codes of `kubeharden audit scan`: no alert, an alert, something not read (whatever the alerts).
const (
	ExitClean  = 0
	ExitAlerts = 1
	ExitUnread = 2
)

// ExitCode fails closed: 2 when any file or line could not be read, else 1 when a rule fired, else 0.
func (r Result) ExitCode() int {
	switch {
	case len(r.Errors) > 0:
		return ExitUnread
	case len(r.Alerts) > 0:
		return ExitAlerts
	}
	return ExitClean
}

// WriteText writes the alerts for a person, one a line in order, then what could not be read, then a
// line of counts.
func (r Result) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, a := range r.Alerts {
		fmt.Fprintf(&b, "%s %-8s %s: %s by %s (%s %s", a.Time.UTC().Format(time.RFC3339), a.Severity, a.Rule, a.Detail, a.User, a.Verb, a.Object)
		if a.Code != 0 {
			fmt.Fprintf(&b, ", %d", a.Code)
		}
		fmt.Fprintf(&b, ") [%s; %s]\n", a.MITRE, a.ThreatMatrix)
	}
	for _, e := range r.Errors {
		if e.Line > 0 {
			fmt.Fprintf(&b, "NOT READ %s:%d: %s\n", e.Path, e.Line, e.Err)
		} else {
			fmt.Fprintf(&b, "NOT READ %s: %s\n", e.Path, e.Err)
		}
	}
	fmt.Fprintf(&b, "audit scan: %d file(s), %d event(s), %d alert(s), %d not read\n", len(r.Files), r.Events, len(r.Alerts), len(r.Errors))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSONLines writes each alert as a JSON line, for a SIEM.
func (r Result) WriteJSONLines(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, a := range r.Alerts {
		if err := enc.Encode(a); err != nil {
			return err
		}
	}
	return nil
}
