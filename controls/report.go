package controls

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

// Exit codes of `kubeharden check`.
const (
	ExitPass  = 0 // every control passes
	ExitFail  = 1 // a control fails
	ExitInput = 2 // a usage or input error: nothing could be checked
)

// ControlResult is one control's outcome.
type ControlResult struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Guide     string `json:"guide"`
	CIS       string `json:"cis,omitempty"`
	Kubescape string `json:"kubescape,omitempty"`
	Passed    bool   `json:"passed"`
	Findings  int    `json:"findings"`
}

// Report is the result of checking a set of manifests.
type Report struct {
	Controls []ControlResult       `json:"controls"`
	Findings []Finding             `json:"findings"`
	Objects  int                   `json:"objects"`
	Skipped  int                   `json:"skipped"`
	Errors   []manifests.FileError `json:"errors"`
}

// CheckManifests reads the manifests under paths (tolerantly, see manifests.ReadTree) and evaluates
// the catalog on them.
func CheckManifests(catalog []Control, kubernetesVersion string, paths ...string) (*Report, error) {
	tree := manifests.ReadTree(paths...)
	findings, err := Evaluate(catalog, &Inventory{Objects: tree.Objects}, kubernetesVersion)
	if err != nil {
		return nil, err
	}
	r := &Report{Findings: findings, Objects: len(tree.Objects), Skipped: tree.Skipped, Errors: tree.Errors}
	count := map[string]int{}
	for _, f := range findings {
		count[f.Control]++
	}
	for _, c := range catalog {
		r.Controls = append(r.Controls, ControlResult{ID: c.ID, Title: c.Title, Guide: c.Guide, CIS: c.CIS, Kubescape: c.Kubescape,
			Passed: count[c.ID] == 0, Findings: count[c.ID]})
	}
	return r, nil
}

// ExitCode is 2 when nothing could be checked, 1 when a control fails, 0 otherwise.
func (r *Report) ExitCode() int {
	switch {
	case r.Objects == 0 && r.Skipped == 0 && len(r.Errors) > 0:
		return ExitInput
	case len(r.Findings) > 0:
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
		field := ""
		if f.Field != "" {
			field = " " + f.Field
		}
		fmt.Fprintf(w, "FAIL  %s  %s%s: %s\n      fix: %s\n", f.Control, f.Object, field, f.Message, f.Remedy)
	}
	passed := 0
	for _, c := range r.Controls {
		if c.Passed {
			passed++
		}
	}
	_, err := fmt.Fprintf(w, "%d objects checked, %d skipped (kinds not inspected), %d files not read; %d of %d controls pass, %d findings\n",
		r.Objects, r.Skipped, len(r.Errors), passed, len(r.Controls), len(r.Findings))
	return err
}

// WriteJSON writes the report as JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
