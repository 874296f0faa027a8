package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
	"github.com/kubeharden/kubeharden/tests/rendered"
	"github.com/kubeharden/kubeharden/tests/testenv"
)

// npm runs npm in dir with the tools cache's npm cache, failing the test when it fails.
func npm(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("npm", append([]string{"--no-audit", "--no-fund", "--loglevel=error"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_cache="+filepath.Join(filepath.Dir(pulumitest.ToolsBin()), "npm"))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "npm %s in %s:\n%s", strings.Join(args, " "), dir, out)
}

// examples/typescript runs with the real `pulumi up`: the Node.js language host (sdk v3.60.0),
// @pulumi/pulumi from the npm registry, the SDK generated into sdk/nodejs (built with tsc) and the
// component provider. The objects it renders are the Go components'.
func TestTypeScriptExampleRunsThroughTheGeneratedSDK(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		testenv.Unavailable(t, "npm not found: the TypeScript example needs Node.js and npm", "apt-get install nodejs npm")
	}
	buildComponentProvider(t)
	ws := pulumitest.NewWorkspace(t)
	repo := pulumitest.RepoRoot(t)

	// The SDK and the example, copied so that node_modules and the build stay out of the checkout.
	work := t.TempDir()
	require.NoError(t, os.CopyFS(filepath.Join(work, "sdk"), os.DirFS(filepath.Join(repo, "sdk", "nodejs"))))
	require.NoError(t, os.CopyFS(filepath.Join(work, "example"), os.DirFS(filepath.Join(repo, "examples", "typescript"))))
	replaceInFile(t, filepath.Join(work, "example", "package.json"), `"file:../../sdk/nodejs"`, `"file:../sdk"`)
	replaceInFile(t, filepath.Join(work, "example", "Pulumi.yaml"), "path: ../../bin", "path: "+filepath.Join(repo, "bin"))
	npm(t, filepath.Join(work, "sdk"), "install", "--no-save", "@pulumi/pulumi@3.270.0", "typescript@~5.8.0", "@types/node@20")
	npm(t, filepath.Join(work, "sdk"), "exec", "--", "tsc", "-p", ".")
	npm(t, filepath.Join(work, "example"), "install")

	ws.Dir = filepath.Join(work, "example")
	renderDir := t.TempDir()
	ws.MustRun("stack", "init", "example", "--non-interactive")
	ws.MustRun("config", "set", "--stack", "example", "renderDir", renderDir)
	out := ws.MustRun("up", "--yes", "--stack", "example", "--non-interactive")
	t.Logf("pulumi up:\n%s", out)
	objs, err := rendered.LoadDir(filepath.Join(renderDir, "1-manifest"))
	require.NoError(t, err)
	keys := map[string]bool{}
	for _, o := range objs {
		keys[o.Key()] = true
	}
	for _, want := range []string{"Namespace/payments", "Namespace/reporting", "NetworkPolicy/reporting/" + tenant.CIDREgressPolicyName, "ResourceQuota/payments/" + tenant.QuotaName} {
		assert.True(t, keys[want], "%s rendered; have %v", want, keys)
	}
	outputs := ws.MustRun("stack", "output", "--stack", "example", "--json")
	assert.Contains(t, outputs, `"reportingEnforces": "restricted"`)
	ws.CheckIdempotentAndRemovable("example", renderDir)
}

func replaceInFile(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(data), old, path)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}
