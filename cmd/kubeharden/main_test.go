package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
	"github.com/kubeharden/kubeharden/version"
)

// TestExitCodes runs the command line as a user or a CI job would, and reads its exit codes: usage
// errors and inputs it could not judge are 2, a failing control 1, a pass 0.
func TestExitCodes(t *testing.T) {
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
			var out bytes.Buffer
			code := run(tc.args, &out, &out)
			assert.Equal(t, tc.want, code, "%s", out.String())
		})
	}
}

// TestTheProcessExitsWithTheCommandsCode: the built command exits with run's code (main only wires).
func TestTheProcessExitsWithTheCommandsCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "kubeharden")
	// -buildvcs=auto: Go stamps the commit as it does by default (these machines' go env turns it off).
	build := exec.Command("go", "build", "-buildvcs=auto", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for args, want := range map[string]int{
		"../../controls/testdata/workload-pod-security/pass":                 0,
		"../../controls/testdata/workload-pod-security/fail/privileged.yaml": 1,
		filepath.Join(t.TempDir(), "missing"):                                2,
	} {
		stdout, stderr, code := pulumitest.Exec(t, exec.Command(bin, "check", args))
		assert.Equal(t, want, code, "check %s: %s%s", args, stdout, stderr)
	}

	// Built from a git checkout, it names the commit it was built from.
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Logf("not a git checkout (%v): the commit is not compared", err)
		return
	}
	out, err = exec.Command(bin, "version", "-o", "json").Output()
	require.NoError(t, err)
	var got version.Build
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, strings.TrimSpace(string(head)), got.Commit)
}

// TestVersion: `kubeharden version` and `--version` say the same thing: the build, the Kubernetes window
// and default, and the editions of the sources the catalog cites; -o json carries the same facts.
func TestVersion(t *testing.T) {
	var text, flag, js bytes.Buffer
	require.Equal(t, 0, run([]string{"version"}, &text, &text), text.String())
	require.Equal(t, 0, run([]string{"--version"}, &flag, &flag), flag.String())
	assert.Equal(t, text.String(), flag.String())
	for _, want := range []string{"kubeharden ", "commit:", "module:     github.com/kubeharden/kubeharden",
		"kubernetes: " + config.SupportedKubernetesVersions + " (default " + config.DefaultKubernetesVersion + ")",
		"NSA/CISA Kubernetes Hardening Guide v1.2", "CIS Kubernetes Benchmark v1.12",
		fmt.Sprintf("controls:   %d,", len(controls.DefaultControls()))} {
		assert.Contains(t, text.String(), want)
	}

	require.Equal(t, 0, run([]string{"version", "-o", "json"}, &js, &js), js.String())
	var got map[string]any
	require.NoError(t, json.Unmarshal(js.Bytes(), &got))
	assert.Equal(t, config.SupportedKubernetesVersions, got["kubernetesSupported"])
	assert.Equal(t, "CIS Kubernetes Benchmark v1.12", got["cis"])
	assert.EqualValues(t, len(controls.DefaultControls()), got["controls"])
	assert.Contains(t, got["catalogVersions"], "1.31")

	var bad bytes.Buffer
	assert.Equal(t, 2, run([]string{"version", "-o", "xml"}, &bad, &bad))
	assert.Contains(t, bad.String(), `--output "xml": supported values: text, json`)
	assert.Equal(t, 2, run([]string{"version", "extra"}, &bad, &bad))
	assert.Equal(t, 2, run([]string{"fleet", "preview", "extra"}, &bad, &bad))
}
