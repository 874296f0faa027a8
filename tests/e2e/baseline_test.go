package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/kubeharden/kubeharden/components/stack"
	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/tests/cluster"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// TestBaselineAppliedToARealCluster runs the real `pulumi up` of the cluster stack against a control
// plane started from kubeharden's own files, checks every object in the cluster, runs it again expecting
// no change, then destroys it and checks that the cluster's own objects are left alone.
func TestBaselineAppliedToARealCluster(t *testing.T) {
	c := cluster.Start(t, nil)
	ws := pulumitest.NewWorkspace(t, stack.KubeconfigEnv+"="+c.Paths.AdminKubeconfig())
	ctx := context.Background()
	tenants := []string{"team-a", "team-b"} // stacks/Pulumi.cluster.yaml

	ws.MustRun("stack", "init", "cluster", "--non-interactive")
	out := ws.MustRun("up", "--yes", "--stack", "cluster", "--non-interactive")
	assert.False(t, strings.Contains(out, "client-key-data"), "the kubeconfig is not shown")

	for _, name := range tenants {
		ns, err := c.Client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
		require.NoError(t, err)
		assert.Equal(t, "restricted", ns.Labels[psaapi.EnforceLevelLabel])
		assert.Equal(t, "v1.36", ns.Labels[psaapi.EnforceVersionLabel])
		for _, np := range []string{tenant.DefaultDenyPolicyName, tenant.DNSEgressPolicyName} {
			_, err := c.Client.NetworkingV1().NetworkPolicies(name).Get(ctx, np, metav1.GetOptions{})
			assert.NoError(t, err, "%s/%s", name, np)
		}
		_, err = c.Client.CoreV1().ResourceQuotas(name).Get(ctx, tenant.QuotaName, metav1.GetOptions{})
		assert.NoError(t, err)
		_, err = c.Client.CoreV1().LimitRanges(name).Get(ctx, tenant.LimitRangeName, metav1.GetOptions{})
		assert.NoError(t, err)
		sa, err := c.Client.CoreV1().ServiceAccounts(name).Get(ctx, "default", metav1.GetOptions{})
		require.NoError(t, err)
		require.NotNil(t, sa.AutomountServiceAccountToken)
		assert.False(t, *sa.AutomountServiceAccountToken, "%s: the default ServiceAccount mounts no token", name)
	}
	_, err := c.Client.NetworkingV1().NetworkPolicies("team-b").Get(ctx, tenant.CIDREgressPolicyName, metav1.GetOptions{})
	assert.NoError(t, err)

	ws.MustRun("preview", "--expect-no-changes", "--stack", "cluster", "--non-interactive")

	ws.MustRun("destroy", "--yes", "--stack", "cluster", "--non-interactive")
	deadline := time.Now().Add(90 * time.Second)
	for _, name := range tenants {
		for {
			_, err := c.Client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				break
			}
			require.True(t, time.Now().Before(deadline), "namespace %s is still there after destroy: %v", name, err)
			time.Sleep(500 * time.Millisecond)
		}
	}
	for _, own := range []string{"default", "kube-system", "kube-public"} {
		_, err := c.Client.CoreV1().Namespaces().Get(ctx, own, metav1.GetOptions{})
		assert.NoError(t, err, "the cluster's own namespace %s is left alone", own)
	}
}
