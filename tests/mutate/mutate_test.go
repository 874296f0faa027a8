package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sample = `{"go_module":"m","files":[{"file_name":"a.go","mutations":[
{"type":"CONDITIONALS_NEGATION","status":"KILLED","line":1,"column":1},
{"type":"CONDITIONALS_NEGATION","status":"KILLED","line":1,"column":5},
{"type":"INVERT_LOGICAL","status":"LIVED","line":3,"column":9},
{"type":"ARITHMETIC_BASE","status":"NOT COVERED","line":2,"column":1},
{"type":"ARITHMETIC_BASE","status":"TIMED OUT","line":2,"column":3},
{"type":"ARITHMETIC_BASE","status":"NOT VIABLE","line":2,"column":4}]}]}`

func sampleDir(t *testing.T) string {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\nvar x = 1 + 2\n\tif a && b {\n"), 0o644))
	return dir
}

func TestReadCountsEachStatusAndNamesTheSurvivorsByTheirCode(t *testing.T) {
	dir := sampleDir(t)
	f, err := Read(strings.NewReader(sample), "pkg", dir)
	require.NoError(t, err)
	assert.Equal(t, Figures{Package: "pkg", Killed: 2, Lived: 1, NotCovered: 1, TimedOut: 1, NotViable: 1,
		Survivors: []Survivor{{Package: "pkg", File: "a.go", Mutator: "INVERT_LOGICAL", Code: "if a && b {", Line: 3, Column: 9}},
		Uncovered: []Survivor{{Package: "pkg", File: "a.go", Mutator: "ARITHMETIC_BASE", Code: "var x = 1 + 2", Line: 2, Column: 1}}}, f)
	assert.InDelta(t, 66.67, f.Efficacy(), 0.01)
	assert.Equal(t, "pkg | a.go | INVERT_LOGICAL | if a && b {", f.Survivors[0].Key())

	_, err = Read(strings.NewReader(`{"files":[{"file_name":"a.go","mutations":[{"type":"X","status":"PUZZLED","line":1}]}]}`), "pkg", dir)
	assert.ErrorContains(t, err, `unknown status "PUZZLED"`)
	_, err = Read(strings.NewReader(`{"files":[{"file_name":"a.go","mutations":[{"type":"X","status":"LIVED","line":9}]}]}`), "pkg", dir)
	assert.ErrorContains(t, err, "a.go has no line 9")
}

func TestEfficacyWithNothingCovered(t *testing.T) {
	assert.Equal(t, 100.0, Figures{NotCovered: 3}.Efficacy())
	assert.Equal(t, 0.0, Figures{Lived: 3}.Efficacy())
}

func TestAcceptedReadsTheTableAndRefusesARowWithoutAReason(t *testing.T) {
	doc := "# Testing\n\n| `a bug` | a table elsewhere |\n\n" + AcceptedHeading + "\n\n| package | file | mutator | code | why |\n| --- | --- | --- | --- | --- |\n" +
		"| `pkg` | `a.go` | `INVERT_LOGICAL` | `if a \\|\\| b {` | equivalent: b implies a |\n" +
		"| `pkg` | `a.go` | `INVERT_LOGICAL` | `x := a || b` | a pipe inside code is the code's |\n"
	got, err := Accepted(strings.NewReader(doc))
	require.NoError(t, err)
	assert.Equal(t, "a pipe inside code is the code's", got["pkg | a.go | INVERT_LOGICAL | x := a || b"])
	assert.Equal(t, "equivalent: b implies a", got["pkg | a.go | INVERT_LOGICAL | if a || b {"])
	assert.Len(t, got, 2)

	_, err = Accepted(strings.NewReader(AcceptedHeading + "\n| `pkg` | `a.go` | `X` | `code` |  |\n"))
	assert.ErrorContains(t, err, "only with a reason")
	_, err = Accepted(strings.NewReader(AcceptedHeading + "\n| `pkg` | `a.go` | `code` | why |\n"))
	assert.ErrorContains(t, err, "five cells")
	_, err = Accepted(strings.NewReader("| `pkg` | `a.go` | `X` | `code` | why |\n"))
	assert.ErrorContains(t, err, "no section")
}

func TestSummaryReturnsTheSurvivorsNoRowAccepts(t *testing.T) {
	f, err := Read(strings.NewReader(sample), "pkg", sampleDir(t))
	require.NoError(t, err)
	var out bytes.Buffer
	open := Summary(&out, []Figures{f}, map[string]string{})
	assert.Equal(t, f.Survivors, open)
	assert.Contains(t, out.String(), "66.7%")
	out.Reset()
	assert.Empty(t, Summary(&out, []Figures{f}, map[string]string{f.Survivors[0].Key(): "equivalent"}))
	assert.Regexp(t, `pkg\s+2\s+1\s+1\s+1\s+1\s+66.7%\s+1`, out.String())
}

func TestMutateAppliesTheMutantAtItsPosition(t *testing.T) {
	src := []byte("package a\n\nfunc f(a, b int) bool { return a < b && b != 0 }\n")
	for _, tc := range []struct {
		mutator string
		column  int
		want    string
	}{
		{"CONDITIONALS_BOUNDARY", 34, "return a <= b && b != 0"},
		{"CONDITIONALS_NEGATION", 34, "return a >= b && b != 0"},
		{"INVERT_LOGICAL", 38, "return a < b || b != 0"},
		{"CONDITIONALS_NEGATION", 43, "return a < b && b == 0"},
	} {
		got, err := Mutate(src, Survivor{File: "a.go", Mutator: tc.mutator, Line: 3, Column: tc.column})
		require.NoError(t, err, tc.mutator)
		assert.Contains(t, string(got), tc.want, tc.mutator)
	}
	_, err := Mutate(src, Survivor{File: "a.go", Mutator: "INVERT_LOGICAL", Line: 3, Column: 34})
	assert.ErrorContains(t, err, "finds <, not an operator it changes")
	_, err = Mutate(src, Survivor{File: "a.go", Mutator: "INVERT_LOGICAL", Line: 9, Column: 1})
	assert.ErrorContains(t, err, "no token there")
	_, err = Mutate(src, Survivor{File: "a.go", Mutator: "SOMETHING_ELSE", Line: 3, Column: 34})
	assert.ErrorContains(t, err, "cannot be re-applied")
}

func TestFindLineFollowsALineThatMoved(t *testing.T) {
	lines := [][]byte{[]byte("a"), []byte("\tif x {"), []byte("b"), []byte("if x {")}
	n, ok := findLine(lines, 2, "if x {")
	assert.True(t, ok)
	assert.Equal(t, 2, n, "in place")
	n, ok = findLine(lines, 3, "if x {")
	assert.True(t, ok)
	assert.Equal(t, 2, n, "the nearest, above first")
	_, ok = findLine(lines, 1, "if y {")
	assert.False(t, ok)
}
