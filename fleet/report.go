package fleet

import (
	_ "embed"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kubeharden/kubeharden/report"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// status is a result's word in the reports: ok, FAILED or NOT JUDGED.
func (r Result) status() string {
	switch {
	case r.Failed():
		return "FAILED"
	case r.NotJudged != "":
		return "NOT JUDGED"
	}
	return "ok"
}

// WriteTable writes the results of op as a table, then each cluster's errors, drift and failing controls
// in full. A preview or an up shows the changes by kind of step, the policy violations and the duration;
// a drift run the drifted resources and the controls failing live.
func WriteTable(w io.Writer, op Operation, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if op == Drift {
		fmt.Fprintln(tw, "CLUSTER\tSTACK\tRESULT\tDRIFTED\tFAILING CONTROLS\tDURATION")
		for _, r := range results {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\n", r.Cluster, r.Stack, r.status(), len(r.Drifted), len(r.FailingControls), r.Duration.Round(100*time.Millisecond))
		}
	} else {
		fmt.Fprintln(tw, "CLUSTER\tSTACK\tRESULT\tCREATE\tUPDATE\tREPLACE\tDELETE\tSAME\tMANDATORY\tADVISORY\tDURATION")
		for _, r := range results {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", r.Cluster, r.Stack, r.status(),
				r.Changes[string(apitype.OpCreate)], r.Changes[string(apitype.OpUpdate)], r.Changes[string(apitype.OpReplace)],
				r.Changes[string(apitype.OpDelete)], r.Changes[string(apitype.OpSame)],
				r.Violations["mandatory"], r.Violations["advisory"], r.Duration.Round(100*time.Millisecond))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range results {
		var lines []string
		if r.NotJudged != "" {
			lines = append(lines, "  not judged: "+r.NotJudged)
		}
		for _, d := range r.Drifted {
			lines = append(lines, fmt.Sprintf("  drifted: %s (%s would %s it%s)", d.Object, d.URN, d.Op, fields(d.Fields)))
		}
		if len(r.FailingControls) > 0 {
			lines = append(lines, "  failing live: "+strings.Join(r.FailingControls, ", ")+" (kubeharden check --kubeconfig for the findings)")
		}
		if r.Err != nil {
			lines = append(lines, "  error: "+strings.ReplaceAll(r.Err.Error(), "\n", "\n    "))
		}
		if len(lines) > 0 {
			fmt.Fprintf(w, "\n%s (stack %s):\n%s\n", r.Cluster, r.Stack, strings.Join(lines, "\n"))
		}
	}
	return nil
}

func fields(f []string) string {
	if len(f) == 0 {
		return ""
	}
	return "; differs in " + strings.Join(f, ", ")
}

// Row is a cluster's result as WriteJSON writes it (`kubeharden fleet ... -o json`).
type Row struct {
	Cluster    string         `json:"cluster"`
	Stack      string         `json:"stack"`
	Passed     bool           `json:"passed"`
	NotJudged  string         `json:"notJudged,omitempty"`
	Changes    map[string]int `json:"changes"`
	Violations map[string]int `json:"violations"`
	// PolicyPacks are the policy packs the engine ran.
	PolicyPacks     []string          `json:"policyPacks"`
	Drifted         []DriftedResource `json:"drifted,omitempty"`
	Controls        map[string]int    `json:"controls,omitempty"`
	FailingControls []string          `json:"failingControls,omitempty"`
	Seconds         float64           `json:"seconds"`
	Error           string            `json:"error,omitempty"`
}

// WriteJSON writes the results as a JSON list, one object per cluster.
func WriteJSON(w io.Writer, results []Result) error {
	out := make([]Row, len(results))
	for i, r := range results {
		out[i] = Row{Cluster: r.Cluster, Stack: r.Stack, Passed: !r.Failed() && r.NotJudged == "", NotJudged: r.NotJudged,
			Changes: r.Changes, Violations: r.Violations, PolicyPacks: r.PolicyPacks,
			Drifted: r.Drifted, Controls: r.Controls, FailingControls: r.FailingControls, Seconds: r.Duration.Seconds()}
		if r.Err != nil {
			out[i].Error = r.Err.Error()
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

//go:embed drift.html.tmpl
var driftTemplate string

var driftHTML = htmltemplate.Must(htmltemplate.New("drift").Funcs(htmltemplate.FuncMap{
	"status": func(r Result) string { return r.status() },
}).Parse(driftTemplate))

// WriteHTML writes a drift run's results as one HTML page in the style of `kubeharden report`: a card
// per outcome, a table of the clusters, then each cluster's drifted objects and failing controls.
func WriteHTML(w io.Writer, results []Result, now time.Time) error {
	view := struct {
		Style     htmltemplate.CSS
		Generated string
		Results   []Result
		Counts    map[string]int
	}{Style: htmltemplate.CSS(report.ReportStyle), Generated: now.UTC().Format(time.RFC3339), Results: results, Counts: map[string]int{}}
	for _, r := range results {
		view.Counts[r.status()]++
	}
	return driftHTML.Execute(w, view)
}
