package controls

import (
	"testing"

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
			r := NewReport([]Outcome{{Control: Control{ID: "c", Inspects: tc.inspects}, Result: tc.result}}, tc.exemptions, tc.bootstrap)
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
