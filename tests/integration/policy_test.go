package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/policypack"
	"github.com/kubeharden/kubeharden/report"
	"github.com/kubeharden/kubeharden/stack"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// The real `pulumi preview` of the dev stack with the policy pack passes, and the pack judged what the
// preview holds: the objects and the control-plane file set, every control evaluated but the one with
// nothing to inspect.
func TestPolicyPackPassesTheDevStack(t *testing.T) {
	pack := pulumitest.BuildPolicyPack(t)
	reportFile := filepath.Join(t.TempDir(), "policy-report.json")
	ws := pulumitest.NewWorkspace(t, stack.RenderDirEnv+"="+t.TempDir(), policypack.ReportFileEnv+"="+reportFile)
	ws.MustRun("stack", "init", "dev", "--non-interactive")
	ws.GenerateStackSecrets("dev")
	out := ws.MustRun("preview", "--stack", "dev", "--non-interactive", "--policy-pack", pack)
	assert.Contains(t, out, policypack.Name+"@v"+policypack.Version.String())
	assert.NotContains(t, out, "mandatory")

	data, err := os.ReadFile(reportFile)
	require.NoError(t, err, "the pack wrote the verdict it reported")
	var report report.Report
	require.NoError(t, json.Unmarshal(data, &report))
	assert.Empty(t, report.Errors)
	assert.Greater(t, report.Objects, 30)
	assert.Greater(t, report.Configs, 3, "the ControlPlane component's files were judged")
	pulumitest.AssertCompliant(t, &report, []string{"the tenant's namespace admins "}, "service-exposure")

	// The pack judged the encryption keys and private keys in plaintext; neither its report nor the
	// preview's output holds them.
	keysJSON := ws.MustRun("config", "get", "kubeharden:encryptionKeys", "--stack", "dev")
	var keys []controlplane.EncryptionKey
	require.NoError(t, json.Unmarshal([]byte(keysJSON), &keys))
	require.NotEmpty(t, keys)
	for name, text := range map[string]string{"the pack's report": string(data), "the preview": out} {
		assert.NotContains(t, text, keys[0].Secret, "%s holds the encryption key", name)
		assert.NotContains(t, text, "PRIVATE KEY", "%s holds a private key", name)
	}

	// A stack config that weakens a namespace without saying why never reaches the pack: the profile is
	// refused, naming the field. (With a reason it is an exemption, reported as one.)
	weakened := filepath.Join(t.TempDir(), "Pulumi.dev.yaml")
	settings, err := os.ReadFile(ws.ConfigFile)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(weakened, settings, 0o600))
	ws.MustRun("config", "set", "--stack", "dev", "--config-file", weakened, "--path", "kubeharden:profile.tenants[0].podSecurity.enforce", "baseline")
	out, err = ws.Run("preview", "--stack", "dev", "--config-file", weakened, "--non-interactive", "--policy-pack", pack)
	require.Error(t, err, "%s", out)
	assert.Contains(t, out, "tenants[0].podSecurity.exemptionReason: Required value")
}

// A user's own program beside the components: compliant, the preview passes; each weakening it adds next
// to them fails the preview, naming the mandatory policy and the resource.
func TestPolicyPackFailsAWeakeningUserProgram(t *testing.T) {
	pack := pulumitest.BuildPolicyPack(t)
	ws := pulumitest.NewWorkspace(t)
	ws.Dir = filepath.Join(pulumitest.RepoRoot(t), "tests", "integration", "testdata", "userstack")
	// The stack's settings live in a file of the test's; stack init still writes the passphrase's salt
	// beside the program, removed when the test ends.
	settings := filepath.Join(t.TempDir(), "Pulumi.ci.yaml")
	t.Cleanup(func() { _ = os.Remove(filepath.Join(ws.Dir, "Pulumi.ci.yaml")) })
	ws.MustRun("stack", "init", "ci", "--non-interactive")
	ws.MustRun("config", "set", "--stack", "ci", "--config-file", settings, "userstack:renderDir", t.TempDir())
	ws.MustRun("config", "set", "--stack", "ci", "--config-file", settings, "--path", "kubeharden:profile.tenants[0].name", "shop")
	out := ws.MustRun("preview", "--stack", "ci", "--config-file", settings, "--non-interactive", "--policy-pack", pack)
	assert.NotContains(t, out, "mandatory", "the compliant program passes:\n%s", out)

	for _, tc := range []struct {
		weaken, policy, resource string
	}{
		{"privileged", "workload-pod-security", "kubernetes:apps/v1:Deployment: web"},
		{"latest", "container-image-tag", "kubernetes:apps/v1:Deployment: web"},
		{"cluster-admin", "rbac-cluster-admin-binding", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding: web-admin"},
		{"wildcard", "rbac-no-wildcards", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole: web-everything"},
		{"open-namespace", "namespace-pod-security", "kubernetes:core/v1:Namespace: scratch"},
		{"open-namespace", "network-default-deny", "kubernetes:core/v1:Namespace: scratch"},
	} {
		t.Run(tc.weaken+"/"+tc.policy, func(t *testing.T) {
			ws.MustRun("config", "set", "--stack", "ci", "--config-file", settings, "userstack:weaken", tc.weaken)
			out, err := ws.Run("preview", "--stack", "ci", "--config-file", settings, "--non-interactive", "--policy-pack", pack)
			require.Error(t, err, "a mandatory policy fails the preview:\n%s", out)
			// The engine prints each violation as "- [mandatory]  <policy>  (<type>: <name>)", then the
			// policy's description and the pack's message.
			assert.Regexp(t, `- \[mandatory\]\s+`+regexp.QuoteMeta(tc.policy)+`\s+\(`+regexp.QuoteMeta(tc.resource)+`\)`, out)
			assert.Contains(t, out, "["+tc.policy+"] ")
			assert.Contains(t, out, "; fix: ")
		})
	}

	// The pack's config sets a policy's level: advisory, the privileged Deployment is reported, not stopped.
	packConfig := filepath.Join(t.TempDir(), "pack.json")
	require.NoError(t, os.WriteFile(packConfig, []byte(`{"workload-pod-security": "advisory"}`), 0o644))
	ws.MustRun("config", "set", "--stack", "ci", "--config-file", settings, "userstack:weaken", "privileged")
	out = ws.MustRun("preview", "--stack", "ci", "--config-file", settings, "--non-interactive", "--policy-pack", pack, "--policy-pack-config", packConfig)
	assert.Regexp(t, `- \[advisory\]\s+workload-pod-security\s+\(kubernetes:apps/v1:Deployment: web\)`, out)
	assert.NotContains(t, out, "[mandatory]")
}

// make ci-preview (scripts/ci-preview.sh) on a user's stack: unchanged after its update, it reports no
// change and exits 0; after a weakening edit it prints the diff and the violation, and exits 1.
func TestCIPreviewGatesAWeakeningChange(t *testing.T) {
	ws := pulumitest.NewWorkspace(t)
	ws.Dir = filepath.Join(pulumitest.RepoRoot(t), "tests", "integration", "testdata", "userstack")
	settings := filepath.Join(t.TempDir(), "Pulumi.gate.yaml")
	t.Cleanup(func() { _ = os.Remove(filepath.Join(ws.Dir, "Pulumi.gate.yaml")) })
	ws.MustRun("stack", "init", "gate", "--non-interactive")
	ws.MustRun("config", "set", "--stack", "gate", "--config-file", settings, "userstack:renderDir", t.TempDir())
	ws.MustRun("config", "set", "--stack", "gate", "--config-file", settings, "--path", "kubeharden:profile.tenants[0].name", "shop")
	ws.MustRun("up", "--yes", "--stack", "gate", "--config-file", settings, "--non-interactive")

	outDir := t.TempDir()
	env := []string{"STACK=gate", "PULUMI_CONFIG_FILE=" + settings, "CI_PREVIEW_DIR=" + outDir}
	out, code := ws.RunScript("ci-preview.sh", env...)
	require.Equal(t, 0, code, "%s", out)
	summary, err := os.ReadFile(filepath.Join(outDir, "summary.md"))
	require.NoError(t, err)
	assert.Contains(t, string(summary), ": PASS")
	assert.Regexp(t, `\*\*Changes:\*\* \d+ unchanged\n`, string(summary))
	assert.Contains(t, string(summary), "**Mandatory policy violations:** none")

	ws.MustRun("config", "set", "--stack", "gate", "--config-file", settings, "userstack:weaken", "privileged")
	out, code = ws.RunScript("ci-preview.sh", env...)
	assert.Equal(t, 1, code, "%s", out)
	assert.Regexp(t, `~ +kubernetes:apps/v1:Deployment: \(update\)`, out, "the diff")
	assert.Contains(t, out, "privileged")
	summary, err = os.ReadFile(filepath.Join(outDir, "summary.md"))
	require.NoError(t, err)
	assert.Contains(t, string(summary), ": FAIL")
	assert.Contains(t, string(summary), "1 to update")
	assert.Contains(t, string(summary), "- workload-pod-security (kubernetes:apps/v1:Deployment: web)")
	assert.Contains(t, string(summary), "**kubeharden check:** result: FAIL")
	for _, f := range []string{"preview.txt", "preview.json", "check.txt", "check.sarif", "policy-report.json"} {
		assert.FileExists(t, filepath.Join(outDir, f))
	}
}
