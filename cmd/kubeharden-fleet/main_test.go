package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestExitCodes runs the fleet command line as a user or a CI job would: usage errors, a bad fleet file
// and clusters that could not be judged are 2.
func TestExitCodes(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"a missing fleet file", []string{"preview", "-f", filepath.Join(empty, "fleet.yaml")}, 2},
		{"a fleet file with a bad cluster", []string{"preview", "-f", "testdata/fleet-bad.yaml"}, 2},
		{"a fleet cluster that is not in the file", []string{"preview", "-f", "../../examples/fleet/fleet.yaml", "--only", "mars-1"}, 2},
		{"a fleet run without its policy pack", []string{"preview", "-f", "../../examples/fleet/fleet.yaml", "--policy-pack", filepath.Join(empty, "none")}, 2},
		{"fleet drift of clusters that only render: not judged is not a pass", []string{"drift", "-f", "../../examples/fleet/fleet.yaml"}, 2},
		{"a fleet parallelism of zero", []string{"up", "-f", "../../examples/fleet/fleet.yaml", "--parallel", "0"}, 2},
		{"positional arguments", []string{"preview", "extra"}, 2},
		{"an unknown flag", []string{"preview", "--no-such-flag"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			code := run(tc.args, &out, &out)
			assert.Equal(t, tc.want, code, "%s", out.String())
		})
	}
}
