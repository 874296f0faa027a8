package e2e

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeharden/kubeharden/stack"
	"github.com/kubeharden/kubeharden/tests/cluster"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// assertConverged: the state holds each resource once and nothing pending, the program finds nothing
// to change, and a refresh finds the cluster as the state says (no object lost, none left over).
func assertConverged(t *testing.T, ws *pulumitest.Workspace, stackName string) {
	t.Helper()
	s := ws.State(stackName)
	assert.Empty(t, s.Deployment.Pending, "operations left pending")
	seen := map[string]bool{}
	for _, r := range s.Deployment.Resources {
		assert.False(t, seen[r.URN], "%s is in the state twice", r.URN)
		seen[r.URN] = true
	}
	ws.MustRun("preview", "--expect-no-changes", "--stack", stackName, "--non-interactive")
	ws.MustRun("refresh", "--yes", "--expect-no-changes", "--stack", stackName, "--non-interactive")
}

// clusterStack starts a control plane and initialises the cluster stack (stacks/Pulumi.cluster.yaml) on
// it.
func clusterStack(t *testing.T) (*cluster.Cluster, *pulumitest.Workspace) {
	t.Helper()
	c := cluster.Start(t, nil)
	ws := pulumitest.NewWorkspace(t, stack.KubeconfigEnv+"="+c.Paths.AdminKubeconfig())
	ws.MustRun("stack", "init", "cluster", "--non-interactive")
	return c, ws
}

// startUp starts `pulumi up` of the stack and returns a function that waits for it and returns its
// output, when it ended, and its error.
func startUp(t *testing.T, ws *pulumitest.Workspace, stackName string) func() (string, time.Time, error) {
	t.Helper()
	cmd := exec.Command(ws.Bin(), "up", "--yes", "--stack", stackName, "--non-interactive")
	cmd.Dir, cmd.Env = ws.Dir, ws.Env()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	wait, err := pulumitest.StartCommand(cmd)
	require.NoError(t, err)
	type result struct {
		ended time.Time
		err   error
	}
	done := make(chan result, 1)
	go func() { err := wait(); done <- result{time.Now(), err} }() // the time it ended, not the time it is asked
	return func() (string, time.Time, error) { r := <-done; return out.String(), r.ended, r.err }
}

// waitForNamespace polls until the namespace exists (the update is under way).
func waitForNamespace(t *testing.T, c *cluster.Cluster, name string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		if _, err := c.Client.CoreV1().Namespaces().Get(context.Background(), name, metav1.GetOptions{}); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("namespace %s never appeared", name)
}

// The API server killed in the middle of `pulumi up` of the cluster stack, then started again: the
// interrupted update fails, and a second `pulumi up` converges, with nothing duplicated, nothing
// pending and nothing lost.
func TestAnUpdateSurvivesTheAPIServerDying(t *testing.T) {
	c, ws := clusterStack(t)

	wait := startUp(t, ws, "cluster")
	waitForNamespace(t, c, "team-a")
	c.KillAPIServer(t)
	out, _, err := wait()
	require.Error(t, err, "the update cannot finish without its API server:\n%s", out)
	t.Logf("the interrupted update:\n%s", tail(out, 30))
	c.StartAPIServer(t)

	ws.MustRun("up", "--yes", "--stack", "cluster", "--non-interactive")
	assertConverged(t, ws, "cluster")
	for _, name := range []string{"team-a", "team-b"} {
		_, err := c.Client.NetworkingV1().NetworkPolicies(name).Get(context.Background(), "default-deny-all", metav1.GetOptions{})
		assert.NoError(t, err, "%s has its default-deny policy", name)
	}
}

// The fault the test above meets by chance, made certain: the API server does the apply of an object
// and its answer is lost, so the object exists and the state does not know it. The second `pulumi up`
// applies it again as the same field manager (components/internal/child.FieldManager), owns what the
// first apply wrote, and converges; under a new random manager it met a conflict on the fields the server
// had defaulted (the binding's matchResources is atomic).
func TestAnUpdateSurvivesALostAnswer(t *testing.T) {
	c := cluster.Start(t, nil)
	const binding = "kubeharden-logging-only"
	proxy := c.LossyProxy(t, func(r *http.Request) bool {
		return r.Method == http.MethodPatch && r.URL.Query().Get("dryRun") == "" &&
			strings.HasSuffix(r.URL.Path, "/validatingadmissionpolicybindings/"+binding)
	})
	ws := pulumitest.NewWorkspace(t, stack.KubeconfigEnv+"="+proxy.Kubeconfig)
	ws.MustRun("stack", "init", "cluster", "--non-interactive")

	out, err := ws.Run("up", "--yes", "--stack", "cluster", "--non-interactive")
	require.Error(t, err, "the apply whose answer was lost fails the update:\n%s", out)
	require.Len(t, proxy.Lost(), 1, "the proxy lost the binding's answer")
	ctx := context.Background()
	_, err = c.Client.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Get(ctx, binding, metav1.GetOptions{})
	require.NoError(t, err, "the apply landed")
	for _, r := range ws.State("cluster").Deployment.Resources {
		known := r.Type == "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding" && strings.HasSuffix(r.URN, "-logging-only")
		require.False(t, known, "the state does not know the binding whose answer was lost: %s", r.URN)
	}

	ws.MustRun("up", "--yes", "--stack", "cluster", "--non-interactive")
	assertConverged(t, ws, "cluster")
	got, err := c.Client.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Get(ctx, binding, metav1.GetOptions{})
	require.NoError(t, err)
	var appliers []string
	for _, f := range got.ManagedFields {
		if f.Operation == metav1.ManagedFieldsOperationApply {
			appliers = append(appliers, f.Manager)
		}
	}
	assert.Equal(t, []string{"kubeharden/kubeharden/cluster"}, appliers, "one applier, the stack's")
}

// etcd killed in the middle of `pulumi up` and started again on its data: the same. The fault hit the
// update: it was still running when etcd was killed, and it either failed or went on after etcd was back.
func TestAnUpdateSurvivesEtcdRestarting(t *testing.T) {
	c, ws := clusterStack(t)

	wait := startUp(t, ws, "cluster")
	waitForNamespace(t, c, "team-a")
	killed := time.Now()
	c.RestartEtcd(t, 3*time.Second)
	back := time.Now()
	out, ended, err := wait()
	t.Logf("the update etcd restarted under (error: %v, ended %v after the kill):\n%s", err, ended.Sub(killed), tail(out, 30))
	require.True(t, ended.After(killed), "the update had ended before etcd was killed: the fault missed it")
	require.True(t, err != nil || ended.After(back), "the update neither failed nor outlasted the outage: the fault missed it")

	ws.MustRun("up", "--yes", "--stack", "cluster", "--non-interactive")
	assertConverged(t, ws, "cluster")
}

// A change to several tenants at once, one of them invalid, is refused before anything is registered:
// the tenants that exist stay as they were, in the cluster and in the state, and nothing of the new
// tenant is made.
func TestARefusedChangeLeavesTheTenantsAsTheyWere(t *testing.T) {
	c, ws := clusterStack(t)
	ws.MustRun("up", "--yes", "--stack", "cluster", "--non-interactive")
	before := ws.MustRun("stack", "export", "--stack", "cluster")
	ctx := context.Background()
	quota, err := c.Client.CoreV1().ResourceQuotas("team-b").Get(ctx, "tenant-quota", metav1.GetOptions{})
	require.NoError(t, err)

	// The change: a third tenant, and team-b's quota made invalid.
	data, err := os.ReadFile(filepath.Join(ws.Dir, "stacks", "Pulumi.cluster.yaml"))
	require.NoError(t, err)
	settings := filepath.Join(t.TempDir(), "Pulumi.cluster.yaml")
	require.NoError(t, os.WriteFile(settings, data, 0o600))
	ws.MustRun("config", "set", "--stack", "cluster", "--config-file", settings, "--path", "kubeharden:profile.tenants[2].name", "team-c")
	ws.MustRun("config", "set", "--stack", "cluster", "--config-file", settings, "--path", "kubeharden:profile.tenants[1].quota.limitsMemory", "4GB")
	out, err := ws.Run("up", "--yes", "--stack", "cluster", "--non-interactive", "--config-file", settings)
	require.Error(t, err, "%s", out)
	assert.Contains(t, out, `tenants[1].quota.limitsMemory: Invalid value: "4GB"`)

	assert.Equal(t, before, ws.MustRun("stack", "export", "--stack", "cluster"), "the state is as it was")
	_, err = c.Client.CoreV1().Namespaces().Get(ctx, "team-c", metav1.GetOptions{})
	assert.True(t, err != nil && strings.Contains(err.Error(), "not found"), "team-c was not made: %v", err)
	after, err := c.Client.CoreV1().ResourceQuotas("team-b").Get(ctx, "tenant-quota", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, quota.Spec.Hard, after.Spec.Hard, "team-b's quota is as it was")
	assert.Equal(t, quota.ResourceVersion, after.ResourceVersion, "team-b's quota was not written")
	assertConverged(t, ws, "cluster")
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
