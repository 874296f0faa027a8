package pulumitest

import (
	"slices"
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden/report"
	"github.com/stretchr/testify/assert"
)

// AssertCompliant fails unless no control of the report fails: each passes with evidence, or is exempt
// with every exempted finding carrying a reason whose start is one of reasons (a bootstrap rule, a
// profile's implied exemption); only the controls named in notEvaluated may have had nothing to judge.
func AssertCompliant(t *testing.T, r *report.Report, reasons []string, notEvaluated ...string) {
	t.Helper()
	for _, c := range r.Controls {
		switch c.Status {
		case report.StatusPass:
			assert.NotEmpty(t, c.Evidence, c.ID)
		case report.StatusExempt:
			for _, f := range r.ExemptedOf(c.ID) {
				assert.True(t, slices.ContainsFunc(reasons, func(p string) bool { return strings.HasPrefix(f.Reason, p) }),
					"%s: %s exempted for %q", c.ID, f.Object, f.Reason)
			}
		case report.StatusNotEvaluated:
			assert.Contains(t, notEvaluated, c.ID, "%s: %s", c.ID, c.NotEvaluated)
		default:
			assert.Fail(t, "a control fails", "%s: %+v", c.ID, r.FindingsOf(c.ID))
		}
	}
}
