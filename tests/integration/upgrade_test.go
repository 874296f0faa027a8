package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/stack"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// upgradeRenderDir is where the fixture's stack rendered, and so where the test renders: the path is in
// the fixture's state, and a change of it would be a change of every object.
const upgradeRenderDir = "/tmp/kubeharden-upgrade-fixture/render"

// keptKinds are the objects an upgrade must never replace or delete: a new Namespace empties it, a new
// ServiceAccount or Secret invalidates tokens, and RBAC that disappears, even for a moment, locks people
// out or lets them in.
var keptKinds = []string{
	"kubernetes:core/v1:Namespace", "kubernetes:core/v1:ServiceAccount", "kubernetes:core/v1:ServiceAccountPatch",
	"kubernetes:core/v1:Secret", "kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
	"kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
}

// TestUpgradeFromTheLastReleasedLayoutKeepsEveryObject imports the state a stack had under the last
// released layout (testdata/upgrade: commit 3b97115, before the guardrails and the cluster RBAC became
// components of their own and their objects moved under them), then previews and applies the current
// code on it: no Namespace, ServiceAccount, Secret or RBAC object is replaced, deleted or made anew (the
// aliases carry them to their new parents), and a second preview finds nothing to change.
func TestUpgradeFromTheLastReleasedLayoutKeepsEveryObject(t *testing.T) {
	require.NoError(t, os.RemoveAll(filepath.Dir(upgradeRenderDir)))
	t.Cleanup(func() { _ = os.RemoveAll(filepath.Dir(upgradeRenderDir)) })
	ws := pulumitest.NewWorkspace(t, stack.RenderDirEnv+"="+upgradeRenderDir)
	fixture := filepath.Join(ws.Dir, "tests", "integration", "testdata", "upgrade")
	data, err := os.ReadFile(filepath.Join(fixture, "Pulumi.upgrade.yaml"))
	require.NoError(t, err)
	ws.ConfigFile = filepath.Join(t.TempDir(), "Pulumi.upgrade.yaml")
	require.NoError(t, os.WriteFile(ws.ConfigFile, data, 0o600))

	// stack init writes the passphrase's salt into stacks/; removed when the test ends.
	t.Cleanup(func() { _ = os.Remove(filepath.Join(ws.Dir, "stacks", "Pulumi.upgrade.yaml")) })
	ws.MustRun("stack", "init", "upgrade", "--non-interactive")
	ws.MustRun("stack", "import", "--stack", "upgrade", "--file", filepath.Join(fixture, "state-3b97115.json"))
	var before struct {
		Deployment struct {
			Resources []struct{ URN, Type string } `json:"resources"`
		} `json:"deployment"`
	}
	require.NoError(t, json.Unmarshal([]byte(ws.MustRun("stack", "export", "--stack", "upgrade")), &before))
	kept := 0
	for _, r := range before.Deployment.Resources {
		for _, k := range keptKinds {
			if r.Type == k {
				kept++
			}
		}
	}
	require.Greater(t, kept, 15, "the fixture holds namespaces, service accounts and RBAC")

	var preview struct {
		Steps []struct {
			Op   string `json:"op"`
			URN  string `json:"urn"`
			Type string `json:"type"`
		} `json:"steps"`
	}
	out := ws.MustRun("preview", "--json", "--stack", "upgrade", "--non-interactive")
	require.NoError(t, json.Unmarshal([]byte(out), &preview), out)
	require.NotEmpty(t, preview.Steps)
	ops := map[string]int{}
	for _, s := range preview.Steps {
		ops[s.Op]++
		typ := s.Type
		if typ == "" {
			typ = s.URN[strings.LastIndex(s.URN[:strings.LastIndex(s.URN, "::")], "$")+1 : strings.LastIndex(s.URN, "::")]
		}
		for _, k := range keptKinds {
			if typ == k && s.Op != "same" && s.Op != "update" {
				t.Errorf("the upgrade would %s %s", s.Op, s.URN)
			}
		}
	}
	t.Logf("the upgrade's steps: %v", ops)
	for _, s := range preview.Steps {
		t.Logf("  %s %s", s.Op, s.URN)
	}

	ws.MustRun("up", "--yes", "--stack", "upgrade", "--non-interactive")
	ws.MustRun("preview", "--expect-no-changes", "--stack", "upgrade", "--non-interactive")
}
