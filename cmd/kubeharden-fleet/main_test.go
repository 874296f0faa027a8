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

// TestFlagsFromTheEnvironment: KUBEHARDEN_FLEET_<FLAG> sets a flag the command line leaves out; a flag
// given wins; a value the flag refuses is a usage error that names the variable.
func TestFlagsFromTheEnvironment(t *testing.T) {
	var out bytes.Buffer
	t.Setenv("KUBEHARDEN_FLEET_FILE", filepath.Join(t.TempDir(), "from-env.yaml"))
	assert.Equal(t, 2, run([]string{"preview"}, &out, &out))
	assert.Contains(t, out.String(), "from-env.yaml", "the file the variable names is the one read")

	out.Reset()
	assert.Equal(t, 2, run([]string{"preview", "-f", filepath.Join(t.TempDir(), "from-flag.yaml")}, &out, &out))
	assert.Contains(t, out.String(), "from-flag.yaml")
	assert.NotContains(t, out.String(), "from-env.yaml", "the flag wins over the variable")

	out.Reset()
	t.Setenv("KUBEHARDEN_FLEET_FILE", "../../examples/fleet/fleet.yaml")
	t.Setenv("KUBEHARDEN_FLEET_PARALLEL", "many")
	assert.Equal(t, 2, run([]string{"drift"}, &out, &out))
	assert.Contains(t, out.String(), `KUBEHARDEN_FLEET_PARALLEL="many"`)

	out.Reset()
	t.Setenv("KUBEHARDEN_FLEET_PARALLEL", "0")
	assert.Equal(t, 2, run([]string{"drift"}, &out, &out))
	assert.Contains(t, out.String(), "--parallel 0: must be at least 1", "the variable's value is judged as the flag's")
}
