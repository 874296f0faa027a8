package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExitCodes runs the built command as a user or a CI job would, and reads its exit codes: usage
// errors and inputs it could not judge are 2, a failing control 1, a pass 0.
func TestExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "kubeharden")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"an unknown flag", []string{"check", "--no-such-flag", "../../controls/testdata/workload-pod-security/pass"}, 2},
		{"a flag of the wrong type", []string{"check", "--verbose=maybe", "."}, 2},
		{"an unknown command", []string{"chekc"}, 2},
		{"a flag of another command: check reads no stack", []string{"check", "--stack", "dev", "../../controls/testdata/workload-pod-security/pass"}, 2},
		{"an unknown output format", []string{"check", "-o", "xml", "."}, 2},
		{"an empty folder", []string{"check", empty}, 2},
		{"a missing path", []string{"check", filepath.Join(empty, "missing")}, 2},
		{"a failing fixture", []string{"check", "../../controls/testdata/workload-pod-security/fail/privileged.yaml"}, 1},
		{"a passing fixture", []string{"check", "../../controls/testdata/workload-pod-security/pass"}, 0},
		{"a preview with a privileged Deployment", []string{"check", "--pulumi-preview", "testdata/preview-privileged.json"}, 1},
		{"a preview with a value not known yet", []string{"check", "--pulumi-preview", "testdata/preview-unknown.json"}, 2},
		{"a preview that is not JSON", []string{"check", "--pulumi-preview", "main.go"}, 2},
		{"a missing fleet file", []string{"fleet", "preview", "-f", filepath.Join(empty, "fleet.yaml")}, 2},
		{"a fleet file with a bad cluster", []string{"fleet", "preview", "-f", "testdata/fleet-bad.yaml"}, 2},
		{"a fleet cluster that is not in the file", []string{"fleet", "preview", "-f", "../../examples/fleet/fleet.yaml", "--only", "mars-1"}, 2},
		{"a fleet run without its policy pack", []string{"fleet", "preview", "-f", "../../examples/fleet/fleet.yaml", "--policy-pack", filepath.Join(empty, "none")}, 2},
		{"fleet drift of clusters that only render: not judged is not a pass", []string{"fleet", "drift", "-f", "../../examples/fleet/fleet.yaml"}, 2},
		{"a fleet parallelism of zero", []string{"fleet", "up", "-f", "../../examples/fleet/fleet.yaml", "--parallel", "0"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			out, err := cmd.CombinedOutput()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.want, code, "%s", out)
		})
	}
	_ = os.Remove(bin)
}
