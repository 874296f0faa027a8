package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/fleet"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// `kubeharden fleet` on three render-only clusters with the real engine, each its own stack in the
// workspace's backend: the preview judges every cluster with the policy pack; up renders each cluster's
// own profile (the shared one with its overrides), and a cluster that cannot be applied fails alone while
// the others are applied; a second up of the others changes nothing; --only runs one cluster.
func TestFleetPreviewsAndAppliesEveryClusterAndAFailureStaysItsOwn(t *testing.T) {
	ws := pulumitest.NewWorkspace(t)
	kubeharden := pulumitest.BuildCLI(t)
	pack := pulumitest.BuildPolicyPack(t)
	dir := t.TempDir()
	// "broken" renders into a path that is a file: its preview passes, its up cannot write.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "blocked"), []byte("a file, not a folder\n"), 0o600))
	fleetFile := filepath.Join(dir, "fleet.yaml")
	require.NoError(t, os.WriteFile(fleetFile, []byte(`apiVersion: kubeharden.io/v1alpha1
kind: Fleet
profile:
  kubernetesVersion: "1.36.3"
  tenants:
    - name: team-a
clusters:
  - name: eu-1
    renderDir: rendered/eu-1
  - name: us-1
    stack: us-east-1
    renderDir: rendered/us-1
    overrides:
      tenants:
        - name: team-a
        - name: team-b
  - name: broken
    renderDir: blocked/sub
`), 0o600))
	common := []string{"-f", fleetFile, "--project", ws.Dir, "--policy-pack", pack, "--parallel", "2"}
	verb := func(v string, extra ...string) []string { return append(append([]string{v}, common...), extra...) }

	run := func(args ...string) (map[string]fleet.Row, string, int) {
		t.Helper()
		return pulumitest.Fleet(t, kubeharden, ws.Env(), args...)
	}
	preview, progress, code := run(verb("preview")...)
	assert.Equal(t, 0, code, "%s", progress)
	require.Len(t, preview, 3)
	for name, r := range preview {
		assert.True(t, r.Passed, "%s: %s", name, r.Error)
		assert.Contains(t, r.PolicyPacks, "kubeharden", "%s was judged by the policy pack", name)
		assert.NotZero(t, r.Changes["create"], "%s would be created", name)
		assert.Contains(t, progress, "["+name+"] preview of stack "+r.Stack+": started")
	}
	assert.Greater(t, preview["us-1"].Changes["create"], preview["eu-1"].Changes["create"], "us-1 has a second tenant")
	assert.NoDirExists(t, filepath.Join(dir, "rendered"), "a preview renders nothing")

	up, progress, code := run(verb("up")...)
	assert.Equal(t, 1, code, "one cluster failed: %s", progress)
	assert.False(t, up["broken"].Passed)
	assert.Contains(t, up["broken"].Error, "blocked")
	for _, name := range []string{"eu-1", "us-1"} {
		assert.True(t, up[name].Passed, "%s is applied though broken failed: %s", name, up[name].Error)
	}
	// The Namespaces each cluster rendered (the provider names the file v1-namespace-default-<name>.yaml).
	namespaces := func(cluster string) []string {
		files, err := filepath.Glob(filepath.Join(dir, "rendered", cluster, "1-manifest", "v1-namespace-default-*.yaml"))
		require.NoError(t, err)
		var names []string
		for _, f := range files {
			names = append(names, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "v1-namespace-default-"), ".yaml"))
		}
		return names
	}
	assert.ElementsMatch(t, []string{"team-a"}, namespaces("eu-1"))
	assert.ElementsMatch(t, []string{"team-a", "team-b"}, namespaces("us-1"))
	out := ws.MustRun("stack", "ls", "--json")
	for _, s := range []string{`"eu-1"`, `"us-east-1"`, `"broken"`} {
		assert.Contains(t, out, s, "each cluster is a stack of its own in the fleet's backend")
	}

	again, progress, code := run(verb("up", "--exclude", "broken")...)
	assert.Equal(t, 0, code, "%s", progress)
	require.Len(t, again, 2)
	for name, r := range again {
		assert.True(t, r.Passed, "%s: %s", name, r.Error)
		assert.NotZero(t, r.Changes["same"], name)
		for op, n := range r.Changes {
			assert.True(t, op == "same" || n == 0, "%s: a second up %s %d resources", name, op, n)
		}
	}

	one, _, code := run(verb("preview", "--only", "us-1")...)
	assert.Equal(t, 0, code)
	assert.Len(t, one, 1)
	assert.Contains(t, one, "us-1")
}
