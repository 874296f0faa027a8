package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/controls/manifests"
)

// Exit codes of `kubeharden check`.
const (
	ExitPass  = 0 // every control passes
	ExitFail  = 1 // a control fails
	ExitInput = 2 // a usage or input error: nothing could be checked
)

// Status is a control's outcome in a report.
type Status string

const (
	StatusPass         Status = "pass"          // evaluated, nothing fails
	StatusFail         Status = "fail"          // a finding no exemption covers
	StatusExempt       Status = "exempt"        // findings, each covered by an exemption with its reason
	StatusNotEvaluated Status = "not-evaluated" // the inputs cannot answer it; see NotEvaluated
)

// ControlResult is one control's outcome.
type ControlResult struct {
	ID           string              `json:"id"`
	Title        string              `json:"title"`
	Guide        string              `json:"guide"`
	CIS          string              `json:"cis,omitempty"`
	Kubescape    string              `json:"kubescape,omitempty"`
	Inspects     controls.Scope      `json:"inspects"`
	Status       Status              `json:"status"`
	Findings     int                 `json:"findings"`
	Exempted     int                 `json:"exempted"`
	Evidence     []controls.Evidence `json:"evidence,omitempty"`
	NotEvaluated string              `json:"notEvaluated,omitempty"`
}

// Report is the result of a check.
type Report struct {
	KubernetesVersion string             `json:"kubernetesVersion"`
	Sources           []string           `json:"sources"`
	Controls          []ControlResult    `json:"controls"`
	Findings          []controls.Finding `json:"findings"`
	// Exempted are the findings exemptions cover, each with its reason.
	Exempted []ExemptedFinding `json:"exempted"`
	// UnusedExemptions cover no finding: stale, or mistyped.
	UnusedExemptions []Exemption `json:"unusedExemptions,omitempty"`
	// Objects and Configs are how many objects and control-plane configuration documents were checked.
	Objects int `json:"objects"`
	// ObjectKinds counts the objects checked by kind (their sum is Objects).
	ObjectKinds map[string]int `json:"objectKinds,omitempty"`
	Configs     int            `json:"configs"`
	// Skipped counts the objects of kinds no control inspects, SkippedKinds by kind.
	Skipped      int                   `json:"skipped"`
	SkippedKinds map[string]int        `json:"skippedKinds,omitempty"`
	Errors       []manifests.FileError `json:"errors"`
}

// New turns outcomes into a report, moving the findings exemptions cover aside with their reasons:
// the profile's exemptions, and bootstrap (an object's key to the bootstrap rule that exempts its
// findings of object controls; see bootstrap.go).
func New(outcomes []controls.Outcome, exemptions []Exemption, bootstrap map[string]string) *Report {
	r := &Report{Findings: []controls.Finding{}, Exempted: []ExemptedFinding{}}
	used := make([]bool, len(exemptions))
	for _, o := range outcomes {
		c := o.Control
		cr := ControlResult{ID: c.ID, Title: c.Title, Guide: c.Guide, CIS: c.CIS, Kubescape: c.Kubescape, Inspects: c.Inspects,
			Evidence: o.Evidence, NotEvaluated: o.NotEvaluated}
		for _, f := range o.Findings {
			if reason, ok := controls.BootstrapExemption(c, f, bootstrap); ok {
				r.Exempted = append(r.Exempted, ExemptedFinding{Finding: f, Reason: reason})
				cr.Exempted++
				continue
			}
			exempted := false
			for i, e := range exemptions {
				if exemptionMatches(e, f) {
					r.Exempted = append(r.Exempted, ExemptedFinding{Finding: f, Reason: e.Reason})
					used[i], exempted = true, true
					cr.Exempted++
					break
				}
			}
			if !exempted {
				r.Findings = append(r.Findings, f)
				cr.Findings++
			}
		}
		switch {
		case o.NotEvaluated != "":
			cr.Status = StatusNotEvaluated
		case cr.Findings > 0:
			cr.Status = StatusFail
		case cr.Exempted > 0:
			cr.Status = StatusExempt
		default:
			cr.Status = StatusPass
		}
		r.Controls = append(r.Controls, cr)
	}
	for i, e := range exemptions {
		if !used[i] {
			r.UnusedExemptions = append(r.UnusedExemptions, e)
		}
	}
	return r
}

// Count returns how many controls have a status.
func (r *Report) Count(s Status) int {
	n := 0
	for _, c := range r.Controls {
		if c.Status == s {
			n++
		}
	}
	return n
}

// FindingsOf returns the findings of one control, in order.
func (r *Report) FindingsOf(id string) []controls.Finding {
	return ofControl(r.Findings, id, func(f controls.Finding) string { return f.Control })
}

// ExemptedOf returns the exempted findings of one control, in order.
func (r *Report) ExemptedOf(id string) []ExemptedFinding {
	return ofControl(r.Exempted, id, func(f ExemptedFinding) string { return f.Control })
}

// ofControl returns the items that belong to one control, in order.
func ofControl[T any](items []T, id string, control func(T) string) []T {
	var out []T
	for _, item := range items {
		if control(item) == id {
			out = append(out, item)
		}
	}
	return out
}

// ExitCode fails closed: 2 when any input could not be read, parsed or judged (whatever the findings),
// or when nothing at all was judged; 1 when a control fails; 0 otherwise.
func (r *Report) ExitCode() int {
	switch {
	case len(r.Errors) > 0 || r.NothingJudged():
		return ExitInput
	case r.Count(StatusFail) > 0:
		return ExitFail
	}
	return ExitPass
}

// NothingJudged is true when no object or control-plane file among the inputs is of a kind the catalog
// judges: a run over nothing but custom resources, say, passes nothing.
func (r *Report) NothingJudged() bool { return r.Objects == 0 && r.Configs == 0 }

// TextWidth is the width the text report fits.
const TextWidth = 100

// WriteText writes the report for a person, in TextWidth columns: what could not be read, then the
// findings grouped by object (each with its field and fix), the exemptions with their reasons, the
// controls that pass, with verbose those not evaluated and why, and a summary last.
func (r *Report) WriteText(w io.Writer, verbose bool) error {
	tw := &textWriter{w: w}
	for _, e := range r.Errors {
		tw.para("ERROR ", location(e.Path, e.Line)+": "+e.Err)
	}
	type group struct {
		object, where string
		lines         [][2]string // prefix, text
	}
	var groups []*group
	byObject := map[string]*group{}
	add := func(f controls.Finding, status, detail string) {
		key := f.Object + "\x00" + f.Path
		g := byObject[key]
		if g == nil {
			g = &group{object: f.Object, where: location(f.Path, f.Line)}
			byObject[key] = g
			groups = append(groups, g)
		}
		head := status + " " + f.Control
		if f.Field != "" {
			head += " " + f.Field
		}
		g.lines = append(g.lines, [2]string{"  ", head}, [2]string{"      ", f.Message}, [2]string{"      ", detail})
	}
	for _, f := range r.Findings {
		add(f, "FAIL", "fix: "+f.Remedy)
	}
	for _, f := range r.Exempted {
		add(f.Finding, "EXEMPT", "reason: "+f.Reason)
	}
	for _, g := range groups {
		tw.blank()
		head := g.object
		if g.where != "" && g.where != g.object {
			head += " (" + g.where + ")"
		}
		tw.para("", head)
		for _, l := range g.lines {
			tw.para(l[0], l[1])
		}
	}
	for _, e := range r.UnusedExemptions {
		tw.blank()
		tw.para("NOTE  ", fmt.Sprintf("the exemption of %s %q covers no finding", e.Control, e.Object))
	}
	tw.blank()
	for _, c := range r.Controls {
		switch {
		case c.Status == StatusPass:
			tw.para("PASS  ", fmt.Sprintf("%s (%d checked)", c.ID, len(c.Evidence)))
		case c.Status == StatusNotEvaluated && verbose:
			tw.para("SKIP  ", c.ID+": "+c.NotEvaluated)
		}
	}
	tw.blank()
	r.summary(tw, verbose)
	return tw.err
}

// WriteSummary writes the text report's last lines alone, with the objects checked by kind: what `make
// up` ends with.
func (r *Report) WriteSummary(w io.Writer) error {
	tw := &textWriter{w: w}
	if len(r.ObjectKinds) > 0 {
		tw.para("", "objects: "+countsByKind(r.ObjectKinds))
	}
	if len(r.SkippedKinds) > 0 {
		tw.para("", "not inspected by any control: "+countsByKind(r.SkippedKinds))
	}
	r.summary(tw, false)
	return tw.err
}

// countsByKind is "2 Namespace, 1 Pod": kinds in order.
func countsByKind(counts map[string]int) string {
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for i, k := range kinds {
		kinds[i] = fmt.Sprintf("%d %s", counts[k], k)
	}
	return strings.Join(kinds, ", ")
}

// summary writes what was checked, the controls by status and the result.
func (r *Report) summary(tw *textWriter, verbose bool) {
	notEvaluated := fmt.Sprintf("%d not evaluated", r.Count(StatusNotEvaluated))
	if !verbose && r.Count(StatusNotEvaluated) > 0 {
		notEvaluated += " (--verbose says why)"
	}
	tw.para("", fmt.Sprintf("checked %d objects and %d control-plane files; skipped %d of kinds no control inspects; %d errors",
		r.Objects, r.Configs, r.Skipped, len(r.Errors)))
	tw.para("", fmt.Sprintf("controls: %d passed, %d failed, %d exempt, %s; %d findings, %d exempted",
		r.Count(StatusPass), r.Count(StatusFail), r.Count(StatusExempt), notEvaluated, len(r.Findings), len(r.Exempted)))
	switch {
	case len(r.Errors) > 0:
		tw.para("", "result: ERROR: some inputs could not be read or judged (exit 2)")
	case r.NothingJudged():
		tw.para("", "result: ERROR: nothing to check: no object of a kind any control judges (exit 2)")
	case r.Count(StatusFail) > 0:
		tw.para("", "result: FAIL (exit 1)")
	default:
		tw.para("", "result: PASS")
	}
}

// location is "path:line", or the path alone when the line is unknown.
func location(path string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", path, line)
	}
	return path
}

// textWriter writes paragraphs wrapped to TextWidth, each line after the first indented as far as its
// prefix; a word longer than a line is broken.
type textWriter struct {
	w       io.Writer
	err     error
	pending bool // a blank line is due before the next paragraph
	started bool
}

func (t *textWriter) blank() { t.pending = t.started }

func (t *textWriter) para(prefix, text string) {
	if t.err != nil {
		return
	}
	var b strings.Builder
	if t.pending {
		b.WriteString("\n")
		t.pending = false
	}
	t.started = true
	indent := strings.Repeat(" ", len(prefix))
	line, empty := prefix, true // empty: no word on the line yet
	for _, word := range strings.Fields(text) {
		for word != "" {
			switch {
			case !empty && len(line)+1+len(word) <= TextWidth:
				line, word = line+" "+word, ""
			case !empty:
				b.WriteString(line + "\n")
				line, empty = indent, true
			default: // as much of the word as fits
				n := max(TextWidth-len(line), 1)
				n = min(n, len(word))
				line, word, empty = line+word[:n], word[n:], false
			}
		}
	}
	b.WriteString(line + "\n")
	_, t.err = io.WriteString(t.w, b.String())
}

// WriteJSON writes the report as compact JSON (pipe it to jq for a person), as encoding/json would, but
// streamed: the JSON v2 encoder with its encoding/json options writes as it goes, so a report of
// thousands of findings is never held whole in memory a second time.
func (r *Report) WriteJSON(w io.Writer) error {
	if err := jsonv2.MarshalWrite(w, r, jsonv1.DefaultOptionsV1()); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
