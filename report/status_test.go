package report_test

import (
	"strings"

	. "github.com/kubeharden/kubeharden/check/checktest"

	. "github.com/kubeharden/kubeharden/controls"
	. "github.com/kubeharden/kubeharden/report"

	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stretchr/testify/assert"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

// TestAControlsStatus: not evaluated wins over everything (its findings, if any, are still counted); then
// a finding no exemption covers fails; then findings all exempted are exempt; else pass. The bootstrap
// rules exempt only object controls' findings.
func TestAControlsStatus(t *testing.T) {
	finding := Finding{Control: "c", Object: "Namespace/a"}
	for _, tc := range []struct {
		name       string
		result     Result
		inspects   Scope
		exemptions []Exemption
		bootstrap  map[string]string
		want       Status
		findings   int
		exempted   int
	}{
		{"nothing found", Result{}, ScopeObjects, nil, nil, StatusPass, 0, 0},
		{"a finding", Result{Findings: []Finding{finding}}, ScopeObjects, nil, nil, StatusFail, 1, 0},
		{"a finding, exempt", Result{Findings: []Finding{finding}}, ScopeObjects, []Exemption{{Control: "c", Reason: "r"}}, nil, StatusExempt, 0, 1},
		{"two findings, one exempt", Result{Findings: []Finding{finding, {Control: "c", Object: "Namespace/b"}}}, ScopeObjects,
			[]Exemption{{Control: "c", Object: "Namespace/a", Reason: "r"}}, nil, StatusFail, 1, 1},
		{"not evaluated", Result{NotEvaluated: "no cluster"}, ScopeCluster, nil, nil, StatusNotEvaluated, 0, 0},
		{"not evaluated, with a finding", Result{NotEvaluated: "no cluster", Findings: []Finding{finding}}, ScopeObjects, nil, nil, StatusNotEvaluated, 1, 0},
		{"a bootstrap object of an object control", Result{Findings: []Finding{finding}}, ScopeObjects, nil, map[string]string{"Namespace/a": "kube-system"}, StatusExempt, 0, 1},
		{"a bootstrap object of a cluster control", Result{Findings: []Finding{finding}}, ScopeCluster, nil, map[string]string{"Namespace/a": "kube-system"}, StatusFail, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := New([]Outcome{{Control: Control{ID: "c", Inspects: tc.inspects}, Result: tc.result}}, tc.exemptions, tc.bootstrap)
			c := r.Controls[0]
			assert.Equal(t, tc.want, c.Status)
			assert.Equal(t, tc.findings, c.Findings)
			assert.Equal(t, tc.exempted, c.Exempted)
			assert.Len(t, r.Findings, tc.findings)
			assert.Len(t, r.Exempted, tc.exempted)
			assert.Equal(t, 1, r.Count(tc.want))
		})
	}
}

// TestExitCodeFailsClosed: an input that could not be read, or nothing judged at all, is 2 whatever the
// controls say; a failing control is 1; a pass, an exemption or a control that could not be evaluated is
// 0.
func TestExitCodeFailsClosed(t *testing.T) {
	judged := func(statuses ...Status) *Report {
		r := &Report{Objects: 1}
		for _, s := range statuses {
			r.Controls = append(r.Controls, ControlResult{Status: s})
		}
		return r
	}
	unreadable := judged(StatusPass)
	unreadable.Errors = []manifests.FileError{{Path: "x.yaml", Err: "not YAML"}}
	unreadableAndFailing := judged(StatusFail)
	unreadableAndFailing.Errors = unreadable.Errors
	configsOnly := &Report{Configs: 1, Controls: []ControlResult{{Status: StatusPass}}}
	nothing := &Report{Controls: []ControlResult{{Status: StatusPass}}}
	for name, tc := range map[string]struct {
		r    *Report
		want int
	}{
		"every control passes":           {judged(StatusPass, StatusPass), ExitPass},
		"exempt and not evaluated":       {judged(StatusExempt, StatusNotEvaluated), ExitPass},
		"one control fails":              {judged(StatusPass, StatusFail, StatusExempt), ExitFail},
		"an unreadable input":            {unreadable, ExitInput},
		"an unreadable input and a fail": {unreadableAndFailing, ExitInput},
		"only control-plane files":       {configsOnly, ExitPass},
		"nothing judged":                 {nothing, ExitInput},
	} {
		assert.Equal(t, tc.want, tc.r.ExitCode(), name)
	}
	assert.False(t, configsOnly.NothingJudged())
	assert.False(t, judged().NothingJudged())
	assert.True(t, nothing.NothingJudged())
}

// TestTheTextSaysTheResultAsTheExitCodeDoes: the text report's last line is the exit code's verdict.
func TestTheTextSaysTheResultAsTheExitCodeDoes(t *testing.T) {
	for want, r := range map[string]*Report{
		"result: PASS":                    {Objects: 1, Controls: []ControlResult{{ID: "a", Status: StatusPass}, {ID: "b", Status: StatusExempt}}},
		"result: FAIL (exit 1)":           {Objects: 1, Controls: []ControlResult{{ID: "a", Status: StatusPass}, {ID: "b", Status: StatusFail}}},
		"result: ERROR: nothing to check": {Controls: []ControlResult{{ID: "a", Status: StatusPass}}},
	} {
		var out strings.Builder
		require.NoError(t, r.WriteText(&out, false))
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		assert.Contains(t, lines[len(lines)-1], want)
	}
}

// TestEncryptionEvidenceNamesTheProviderAndItsKey: for each provider that can come first, the evidence
// names it and its first key, which an auditor matches against the key rotation record.
func TestEncryptionEvidenceNamesTheProviderAndItsKey(t *testing.T) {
	for _, provider := range []string{"secretbox", "aesgcm", "aescbc"} {
		r, err := CheckManifests(DefaultControls(), "1.36.3", "../controls/testdata/encryption-at-rest/pass/"+provider+".yaml")
		require.NoError(t, err)
		var detail string
		for _, c := range r.Controls {
			if c.ID == "encryption-at-rest" {
				require.Len(t, c.Evidence, 1)
				detail = c.Evidence[0].Detail
			}
		}
		assert.Contains(t, detail, "secrets are encrypted by "+provider+` (key "fixture-key")`)
	}
}
