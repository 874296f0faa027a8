package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeharden/kubeharden/fleet"
	"github.com/kubeharden/kubeharden/tests/cluster"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
	"github.com/kubeharden/kubeharden/tests/s3"
)

// The fleet on two real control planes and a render-only cluster, its state in a real S3-compatible
// server: `fleet up` applies the profile to all three; `fleet drift` finds no drift; one object is changed
// behind kubeharden's back in one cluster, and `fleet drift` names exactly that cluster and that object,
// says the render-only cluster could not be judged, and checks both live clusters with the catalog.
func TestFleetDriftNamesTheClusterAndTheObjectThatDrifted(t *testing.T) {
	store := s3.Start(t)
	east, west := cluster.Start(t, nil), cluster.Start(t, nil)
	ws := pulumitest.NewWorkspace(t, append(store.Env(), "PULUMI_BACKEND_URL="+store.BackendURL())...)
	kubeharden, pack := pulumitest.BuildCLI(t), pulumitest.BuildPolicyPack(t)

	dir := t.TempDir()
	fleetFile := filepath.Join(dir, "fleet.yaml")
	require.NoError(t, os.WriteFile(fleetFile, []byte(`apiVersion: kubeharden.io/v1alpha1
kind: Fleet
backend: `+store.BackendURL()+`
profile:
  kubernetesVersion: "1.36.3"
  tenants:
    - name: team-a
    - name: team-b
clusters:
  - name: east
    kubeconfig: `+east.Paths.AdminKubeconfig()+`
  - name: west
    kubeconfig: `+west.Paths.AdminKubeconfig()+`
  - name: lab
    renderDir: rendered/lab
`), 0o600))
	run := func(verb string, extra ...string) (map[string]fleet.Row, string, int) {
		t.Helper()
		args := append([]string{verb, "-f", fleetFile, "--project", ws.Dir, "--policy-pack", pack, "--parallel", "3"}, extra...)
		return pulumitest.Fleet(t, kubeharden, ws.Env(), args...)
	}

	up, progress, code := run("up")
	require.Equal(t, 0, code, "%s\n%+v", progress, up)
	ctx := context.Background()
	for name, c := range map[string]*cluster.Cluster{"east": east, "west": west} {
		_, err := c.Client.NetworkingV1().NetworkPolicies("team-b").Get(ctx, "default-deny-all", metav1.GetOptions{})
		assert.NoError(t, err, "%s has the baseline", name)
	}
	for _, stack := range []string{"east", "west", "lab"} {
		matches, _ := filepath.Glob(filepath.Join(store.Dir, s3.Bucket, ".pulumi", "stacks", "*", stack+".json*"))
		assert.NotEmpty(t, matches, "the state of %s is in the S3 server's bucket", stack)
	}

	before, progress, _ := run("drift")
	for _, name := range []string{"east", "west"} {
		assert.Empty(t, before[name].Drifted, "%s has not drifted: %s", name, progress)
		assert.Empty(t, before[name].Error, name)
		assert.NotZero(t, before[name].Controls["pass"], "%s was checked live", name)
	}

	// Behind kubeharden's back: east's team-a stops denying egress.
	policies := east.Client.NetworkingV1().NetworkPolicies("team-a")
	policy, err := policies.Get(ctx, "default-deny-all", metav1.GetOptions{})
	require.NoError(t, err)
	policy.Spec.PolicyTypes = policy.Spec.PolicyTypes[:1]
	_, err = policies.Update(ctx, policy, metav1.UpdateOptions{FieldManager: "someone"})
	require.NoError(t, err)

	htmlPath := filepath.Join(dir, "drift.html")
	after, progress, code := run("drift", "--html", htmlPath)
	assert.Equal(t, 1, code, "a cluster drifted: %s", progress)
	require.Len(t, after["east"].Drifted, 1, "%+v", after["east"].Drifted)
	assert.Equal(t, "NetworkPolicy team-a/default-deny-all", after["east"].Drifted[0].Object)
	assert.Equal(t, "update", after["east"].Drifted[0].Op)
	assert.False(t, after["east"].Passed)
	assert.Empty(t, after["west"].Drifted, "west did not drift")
	assert.Empty(t, after["west"].Error)
	assert.NotEmpty(t, after["lab"].NotJudged, "a render-only cluster cannot be compared")
	assert.False(t, after["lab"].Passed, "not judged is not passed")
	page, err := os.ReadFile(htmlPath)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(page), "NetworkPolicy team-a/default-deny-all"), "the report names the object once, under east")
}
