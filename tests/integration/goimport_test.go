package integration

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
	"github.com/kubeharden/kubeharden/tests/rendered"
)

// examples/go-import, a program with its own go.mod, runs with the real `pulumi up`: the tenant namespace
// and guardrails of the components and the program's own Deployment in that namespace, all rendered; a
// second preview, with the policy pack, changes nothing and fails no policy.
func TestGoImportExampleRuns(t *testing.T) {
	pack := pulumitest.BuildPolicyPack(t)
	ws := pulumitest.NewWorkspace(t)
	ws.Dir = filepath.Join(pulumitest.RepoRoot(t), "examples", "go-import")
	settings := filepath.Join(t.TempDir(), "Pulumi.example.yaml")
	t.Cleanup(func() { _ = os.Remove(filepath.Join(ws.Dir, "Pulumi.example.yaml")) })
	renderDir := t.TempDir()
	ws.MustRun("stack", "init", "example", "--non-interactive")
	ws.MustRun("config", "set", "--stack", "example", "--config-file", settings, "go-import:renderDir", renderDir)
	out := ws.MustRun("up", "--yes", "--stack", "example", "--config-file", settings, "--non-interactive")
	t.Logf("pulumi up:\n%s", out)

	objs, err := rendered.LoadDir(filepath.Join(renderDir, "1-manifest"))
	require.NoError(t, err, "every rendered file decodes strictly into its k8s.io/api type")
	keys := map[string]bool{}
	for _, o := range objs {
		keys[o.Key()] = true
	}
	for _, want := range []string{
		"Namespace/payments", "NetworkPolicy/payments/" + tenant.DefaultDenyPolicyName, "ResourceQuota/payments/" + tenant.QuotaName,
		"ServiceAccount/payments/api", "Deployment/payments/api",
	} {
		assert.True(t, keys[want], "%s rendered; have %v", want, keys)
	}
	vap := 0
	for k := range keys {
		if len(k) > len("ValidatingAdmissionPolicy/") && k[:len("ValidatingAdmissionPolicy/")] == "ValidatingAdmissionPolicy/" {
			vap++
		}
	}
	assert.Positive(t, vap, "the guardrails are rendered")

	out = ws.MustRun("preview", "--expect-no-changes", "--stack", "example", "--config-file", settings, "--non-interactive", "--policy-pack", pack)
	assert.NotContains(t, out, "[mandatory]")
	ws.CheckIdempotentAndRemovable("example", renderDir, "--config-file", settings)
}
