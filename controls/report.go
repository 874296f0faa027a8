package controls

import (
	"fmt"
	"io"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

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
	ID           string     `json:"id"`
	Title        string     `json:"title"`
	Guide        string     `json:"guide"`
	CIS          string     `json:"cis,omitempty"`
	Kubescape    string     `json:"kubescape,omitempty"`
	Inspects     Scope      `json:"inspects"`
	Status       Status     `json:"status"`
	Findings     int        `json:"findings"`
	Exempted     int        `json:"exempted"`
	Evidence     []Evidence `json:"evidence,omitempty"`
	NotEvaluated string     `json:"notEvaluated,omitempty"`
}

// Report is the result of a check.
type Report struct {
	KubernetesVersion string          `json:"kubernetesVersion"`
	Sources           []string        `json:"sources"`
	Controls          []ControlResult `json:"controls"`
	Findings          []Finding       `json:"findings"`
	// Exempted are the findings exemptions cover, each with its reason.
	Exempted []ExemptedFinding `json:"exempted"`
	// UnusedExemptions cover no finding: stale, or mistyped.
	UnusedExemptions []Exemption `json:"unusedExemptions,omitempty"`
	// Objects and Configs are how many objects and control-plane configuration documents were checked.
	Objects int                   `json:"objects"`
	Configs int                   `json:"configs"`
	Skipped int                   `json:"skipped"`
	Errors  []manifests.FileError `json:"errors"`
}

// CheckOptions say what a check reads and how it judges.
type CheckOptions struct {
	Catalog           []Control
	KubernetesVersion string
	// Paths are files and folders of manifests and control-plane files, read by manifests.ReadTree.
	Paths []string
	// Live are a live cluster's objects (see controls/live), and LiveSource names the cluster.
	Live       []manifests.Object
	LiveSource string
	Exemptions []Exemption
}

// Check reads the inputs, evaluates the catalog and applies the exemptions. An invalid exemption is an
// error before anything is read.
func Check(opts CheckOptions) (*Report, error) {
	if errs := ValidateExemptions(opts.Catalog, opts.Exemptions, field.NewPath("compliance", "exemptions")); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	var tree manifests.Tree
	if len(opts.Paths) > 0 {
		tree = manifests.ReadTree(opts.Paths...)
	}
	objects := append(tree.Objects, opts.Live...)
	cp, err := NewControlPlane(tree.Configs, objects)
	if err != nil {
		return nil, err
	}
	inv := &Inventory{Objects: objects, ControlPlane: cp, WholeCluster: opts.LiveSource != "" || (cp != nil && cp.APIServer != nil),
		OtherKinds: tree.SkippedKinds}
	outcomes, err := Evaluate(opts.Catalog, inv, opts.KubernetesVersion)
	if err != nil {
		return nil, err
	}
	r := NewReport(outcomes, opts.Exemptions)
	r.KubernetesVersion = opts.KubernetesVersion
	r.Sources = append(r.Sources, opts.Paths...)
	if opts.LiveSource != "" {
		r.Sources = append(r.Sources, opts.LiveSource)
	}
	// Workloads the reader deferred and that do not decode are errors of their files, not objects checked.
	deferredErrors := manifests.DeferredErrors(tree.Objects)
	r.Objects, r.Configs, r.Skipped = len(objects)-len(deferredErrors), len(tree.Configs), tree.Skipped
	r.Errors = append(tree.Errors, deferredErrors...)
	return r, nil
}

// CheckManifests checks files and folders with no exemptions.
func CheckManifests(catalog []Control, kubernetesVersion string, paths ...string) (*Report, error) {
	return Check(CheckOptions{Catalog: catalog, KubernetesVersion: kubernetesVersion, Paths: paths})
}

// NewReport turns outcomes into a report, moving the findings exemptions cover aside with their reasons.
func NewReport(outcomes []Outcome, exemptions []Exemption) *Report {
	r := &Report{Findings: []Finding{}, Exempted: []ExemptedFinding{}}
	used := make([]bool, len(exemptions))
	for _, o := range outcomes {
		c := o.Control
		cr := ControlResult{ID: c.ID, Title: c.Title, Guide: c.Guide, CIS: c.CIS, Kubescape: c.Kubescape, Inspects: c.Inspects,
			Evidence: o.Evidence, NotEvaluated: o.NotEvaluated}
		for _, f := range o.Findings {
			exempted := false
			for i, e := range exemptions {
				if e.matches(f) {
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
func (r *Report) FindingsOf(id string) []Finding {
	return ofControl(r.Findings, id, func(f Finding) string { return f.Control })
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

// ExitCode is 2 when nothing could be checked, 1 when a control fails, 0 otherwise.
func (r *Report) ExitCode() int {
	switch {
	case r.Objects == 0 && r.Configs == 0 && r.Skipped == 0 && len(r.Errors) > 0:
		return ExitInput
	case r.Count(StatusFail) > 0:
		return ExitFail
	}
	return ExitPass
}

// WriteText writes the report for a person.
func (r *Report) WriteText(w io.Writer) error {
	for _, e := range r.Errors {
		fmt.Fprintf(w, "ERROR %s: %s\n", e.Path, e.Err)
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "FAIL  %s  %s\n      fix: %s\n", f.Control, findingLocation(f)+": "+f.Message, f.Remedy)
	}
	for _, f := range r.Exempted {
		fmt.Fprintf(w, "EXEMPT %s  %s: %s\n      reason: %s\n", f.Control, findingLocation(f.Finding), f.Message, f.Reason)
	}
	for _, e := range r.UnusedExemptions {
		fmt.Fprintf(w, "NOTE  the exemption of %s %q covers no finding\n", e.Control, e.Object)
	}
	for _, c := range r.Controls {
		if c.Status == StatusNotEvaluated {
			fmt.Fprintf(w, "SKIP  %s: %s\n", c.ID, c.NotEvaluated)
		}
	}
	_, err := fmt.Fprintf(w, "%d objects and %d control-plane files checked, %d skipped (kinds not inspected), %d files not read; controls: %d pass, %d fail, %d exempt, %d not evaluated; %d findings\n",
		r.Objects, r.Configs, r.Skipped, len(r.Errors), r.Count(StatusPass), r.Count(StatusFail), r.Count(StatusExempt), r.Count(StatusNotEvaluated), len(r.Findings))
	return err
}

func findingLocation(f Finding) string {
	s := f.Object
	if f.Field != "" {
		s += " " + f.Field
	}
	if f.Path != "" && f.Path != f.Object {
		s += " (" + f.Path + ")"
	}
	return s
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
