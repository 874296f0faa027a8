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
		{"an audit scan of nothing", []string{"audit", "scan"}, 2},
		{"an audit scan of a missing file", []string{"audit", "scan", filepath.Join(empty, "audit.log")}, 2},
		{"an audit scan of a file that is not an audit log", []string{"audit", "scan", "main.go"}, 2},
		{"an audit log of normal work", []string{"audit", "scan", "testdata/audit-clean.log"}, 0},
		{"an audit log with a WebSocket exec (kubectl 1.30+)", []string{"audit", "scan", "-o", "jsonl", "testdata/audit-exec.log"}, 1},
		{"an unknown audit output", []string{"audit", "scan", "-o", "xml", "testdata/audit-clean.log"}, 2},
		{"an audit log as a timeline", []string{"audit", "scan", "-o", "html", "testdata/audit-exec.log"}, 1},
		{"a tenant relabelled privileged, without the profile", []string{"audit", "scan", "testdata/audit-tamper.log"}, 0},
		{"a tenant relabelled privileged, with the stack's settings", []string{"audit", "scan", "--profile", "../../stacks/Pulumi.cluster.yaml", "testdata/audit-tamper.log"}, 1},
		{"the relabel by the stack's own field manager", []string{"audit", "scan", "--profile", "../../stacks/Pulumi.cluster.yaml", "--field-manager", "kubectl-label", "testdata/audit-tamper.log"}, 0},
		{"a profile that names no stack, without --field-manager", []string{"audit", "scan", "--profile", "testdata/profile.yaml", "testdata/audit-tamper.log"}, 2},
		{"a deployer without a profile", []string{"audit", "scan", "--deployer", "ci", "testdata/audit-tamper.log"}, 2},
		{"audit serve without its certificate", []string{"audit", "serve", "--queue-dir", empty, "--alerts-file", filepath.Join(empty, "a.jsonl")}, 2},
		{"audit serve with a certificate that is not one", []string{"audit", "serve", "--cert", "main.go", "--key", "main.go", "--client-ca", "main.go", "--queue-dir", empty}, 2},
		{"the alerting rules", []string{"monitoring", "rules"}, 0},
		{"the stack's PrometheusRule", []string{"monitoring", "rules", "-o", "prometheusrule", "--profile", "../../stacks/Pulumi.cluster.yaml"}, 0},
		{"the alerting rules in an unknown form", []string{"monitoring", "rules", "-o", "json"}, 2},
		{"the rules as Sigma", []string{"detections", "export", "--format", "sigma"}, 0},
		{"the rules and the stack's tamper rules as Falco", []string{"detections", "export", "--format", "falco", "--profile", "../../stacks/Pulumi.cluster.yaml"}, 0},
		{"an export in no format", []string{"detections", "export"}, 2},
		{"an export in an unknown format", []string{"detections", "export", "--format", "splunk"}, 2},
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
	dir := t.TempDir()
	bin := filepath.Join(dir, "kubeharden")
	// -buildvcs=auto: Go stamps the commit as it does by default (these machines' go env turns it off).
	build := exec.Command("go", "build", "-buildvcs=auto", "-o", dir+"/", ".", "../kubeharden-fleet")
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

	// `kubeharden fleet` runs kubeharden-fleet beside it, with its arguments, output and exit code.
	stdout, stderr, code := pulumitest.Exec(t, exec.Command(bin, "fleet", "--help"))
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "drift")
	stdout, stderr, code = pulumitest.Exec(t, exec.Command(bin, "fleet", "drift", "-f", "../../examples/fleet/fleet.yaml"))
	assert.Equal(t, 2, code, "render-only clusters are not judged: %s%s", stdout, stderr)
	stdout, stderr, code = pulumitest.Exec(t, exec.Command(bin, "fleet", "preview", "-f", filepath.Join(dir, "missing.yaml")))
	assert.Equal(t, 2, code, "%s%s", stdout, stderr)
	assert.Contains(t, stderr, "missing.yaml")

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
}

// TestFleetNeedsItsExecutable: without kubeharden-fleet beside kubeharden or on PATH, `kubeharden fleet`
// is an input error that says what to build, not a pass.
func TestFleetNeedsItsExecutable(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var out bytes.Buffer
	assert.Equal(t, 2, run([]string{"fleet", "preview", "-f", "../../examples/fleet/fleet.yaml"}, &out, &out))
	assert.Contains(t, out.String(), "kubeharden-fleet is neither next to this executable")
	assert.Contains(t, out.String(), "go build -o bin/ ./cmd/kubeharden ./cmd/kubeharden-fleet")
}

// TestTheCLILinksNoPulumiSDKNorComponent: kubeharden judges files, clusters and previews with no Pulumi
// SDK and no component in it (fleet, which drives stacks, is kubeharden-fleet).
func TestTheCLILinksNoPulumiSDKNorComponent(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	require.NoError(t, err)
	for _, pkg := range strings.Fields(string(out)) {
		assert.False(t, strings.HasPrefix(pkg, "github.com/pulumi/"), "kubeharden links %s", pkg)
		assert.False(t, strings.HasPrefix(pkg, "github.com/kubeharden/kubeharden/components"), "kubeharden links %s", pkg)
		assert.NotEqual(t, "github.com/kubeharden/kubeharden/fleet", pkg, "kubeharden links the fleet (and so the Automation API)")
	}
	assert.Contains(t, strings.Fields(string(out)), "github.com/kubeharden/kubeharden/controls", "go list named the catalog")
}
