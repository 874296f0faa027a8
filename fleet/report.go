package fleet

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// WriteTable writes the results as a table: cluster, stack, result, the changes by kind of step, the
// policy violations and the duration, then the errors in full.
func WriteTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CLUSTER\tSTACK\tRESULT\tCREATE\tUPDATE\tREPLACE\tDELETE\tSAME\tMANDATORY\tADVISORY\tDURATION")
	for _, r := range results {
		result := "ok"
		if r.Failed() {
			result = "FAILED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", r.Cluster, r.Stack, result,
			r.Changes[string(apitype.OpCreate)], r.Changes[string(apitype.OpUpdate)], r.Changes[string(apitype.OpReplace)],
			r.Changes[string(apitype.OpDelete)], r.Changes[string(apitype.OpSame)],
			r.Violations["mandatory"], r.Violations["advisory"], r.Duration.Round(100*time.Millisecond))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintf(w, "\n%s (stack %s):\n%s\n", r.Cluster, r.Stack, r.Err)
		}
	}
	return nil
}

// resultJSON is a result as WriteJSON writes it.
type resultJSON struct {
	Cluster    string         `json:"cluster"`
	Stack      string         `json:"stack"`
	Passed     bool           `json:"passed"`
	Changes    map[string]int `json:"changes"`
	Violations map[string]int `json:"violations"`
	// PolicyPacks are the policy packs the engine ran.
	PolicyPacks []string `json:"policyPacks"`
	Seconds     float64  `json:"seconds"`
	Error       string   `json:"error,omitempty"`
}

// WriteJSON writes the results as a JSON list, one object per cluster.
func WriteJSON(w io.Writer, results []Result) error {
	out := make([]resultJSON, len(results))
	for i, r := range results {
		out[i] = resultJSON{Cluster: r.Cluster, Stack: r.Stack, Passed: !r.Failed(), Changes: r.Changes, Violations: r.Violations, PolicyPacks: r.PolicyPacks, Seconds: r.Duration.Seconds()}
		if r.Err != nil {
			out[i].Error = r.Err.Error()
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
