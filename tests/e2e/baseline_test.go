package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/utils/ptr"

	"github.com/kubeharden/kubeharden/components/logging"
	"github.com/kubeharden/kubeharden/components/rbac"
	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/detections"
	"github.com/kubeharden/kubeharden/report"
	"github.com/kubeharden/kubeharden/stack"
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

	// Before kubeharden, the live cluster fails the catalog: nothing collects logs, nothing is refused.
	kubeharden := pulumitest.BuildCLI(t)
	before, code := checkLive(t, kubeharden, ws.Dir, c, true)
	assert.Equal(t, report.ExitFail, code)
	assert.Equal(t, report.StatusFail, statusOf(before, "log-collection"))
	assert.Equal(t, report.StatusFail, statusOf(before, "admission-guardrails"))

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

	for _, role := range []string{rbac.NamespaceAdminRole, rbac.DeveloperRole, rbac.ViewerRole} {
		_, err := c.Client.RbacV1().Roles("team-a").Get(ctx, role, metav1.GetOptions{})
		assert.NoError(t, err, role)
	}
	_, err = c.Client.RbacV1().ClusterRoleBindings().Get(ctx, rbac.ClusterReaderRole, metav1.GetOptions{})
	assert.NoError(t, err)
	checkAccess(t, c)
	checkGuardrails(t, c, "team-a")
	checkPodSecurityTemplates(t, c, "team-a")
	checkSeccompAudit(t, c, "team-b", "team-a")
	checkLogAgentNamespace(t, c, "kubeharden-logging")

	// After: the live cluster (read through the admin kubeconfig) with its control-plane files fails no
	// control of the catalog: each passes, or is exempt by a bootstrap rule (the API server's own RBAC)
	// or an exemption the profile implies (kubeharden's tenant roles), and every one is evaluated.
	after, code := checkLive(t, kubeharden, ws.Dir, c, true)
	assert.Equal(t, report.ExitPass, code)
	pulumitest.AssertCompliant(t, after, []string{"bootstrap rule: the API server's own bootstrap RBAC", "the tenant's namespace admins "})
	assert.Empty(t, after.Findings)
	assert.Contains(t, after.Sources, c.Admin.Host)
	checkMirrorPod(t, kubeharden, ws.Dir, c)

	ws.MustRun("preview", "--expect-no-changes", "--stack", "cluster", "--non-interactive")

	// Drift: none after the update; a namespace relabelled behind Pulumi's back is drift, named in the
	// diff; put back, none again.
	out, code = ws.RunScript("drift.sh", "STACK=cluster")
	require.Equal(t, 0, code, "%s", out)
	assert.Contains(t, out, "drift: none in stack cluster")
	enforce := func(level string) { // as kubectl label would, behind Pulumi's back
		ns, err := c.Client.CoreV1().Namespaces().Get(ctx, "team-a", metav1.GetOptions{})
		require.NoError(t, err)
		ns.Labels[psaapi.EnforceLevelLabel] = level
		_, err = c.Client.CoreV1().Namespaces().Update(ctx, ns, metav1.UpdateOptions{})
		require.NoError(t, err)
	}
	enforce("privileged")
	out, code = ws.RunScript("drift.sh", "STACK=cluster")
	assert.Equal(t, 1, code, "%s", out)
	assert.Contains(t, out, "team-a")
	assert.Contains(t, out, psaapi.EnforceLevelLabel)
	enforce("restricted")
	out, code = ws.RunScript("drift.sh", "STACK=cluster")
	assert.Equal(t, 0, code, "%s", out)

	// Tampering: a second cluster admin weakens the baseline behind Pulumi's back; the stack's own
	// `up --refresh` puts it back. The audit log is scanned at the end.
	tampered, revert := tamper(t, c)
	// The stack does not force its fields back: a field the tamper took makes `pulumi up` fail with a
	// server-side apply conflict naming the tamperer's field manager. Those are put back by hand (as a
	// responder would), and the stack's own up recreates what was deleted.
	out, err = ws.Run("up", "--yes", "--refresh", "--stack", "cluster", "--non-interactive")
	require.Error(t, err)
	assert.Contains(t, out, "conflict with \"e2e.test\"", "the tamperer's field manager is named")
	revert()
	ws.MustRun("up", "--yes", "--refresh", "--stack", "cluster", "--non-interactive")
	_, err = c.Client.NetworkingV1().NetworkPolicies("team-b").Get(ctx, tenant.DefaultDenyPolicyName, metav1.GetOptions{})
	require.NoError(t, err, "the stack's up puts the default deny back")

	// Idempotent: a refresh reads every object back as the state has it, and a preview after it finds
	// nothing to change; destroy then removes what the stack made (checked below, object by object).
	ws.CheckIdempotentAndRemovable("cluster", "")
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
	for _, gone := range []string{rbac.ClusterReaderRole, rbac.AuditorRole, logging.AgentRole} {
		_, err := c.Client.RbacV1().ClusterRoles().Get(ctx, gone, metav1.GetOptions{})
		assert.True(t, apierrors.IsNotFound(err), "ClusterRole %s is gone after destroy: %v", gone, err)
	}
	_, err = c.Client.AdmissionregistrationV1().ValidatingAdmissionPolicies().Get(ctx, "kubeharden-image-tag", metav1.GetOptions{})
	assert.True(t, apierrors.IsNotFound(err), "the guardrails are gone after destroy: %v", err)
	_, err = c.Client.RbacV1().ClusterRoles().Get(ctx, "cluster-admin", metav1.GetOptions{})
	assert.NoError(t, err, "the cluster's own ClusterRoles are left alone")
	for _, own := range []string{"default", "kube-system", "kube-public"} {
		_, err := c.Client.CoreV1().Namespaces().Get(ctx, own, metav1.GetOptions{})
		assert.NoError(t, err, "the cluster's own namespace %s is left alone", own)
	}
	checkTamperAlerts(t, kubeharden, ws.Dir, c, tampered)
}

// tamper weakens the applied baseline as a second cluster admin (mallory, impersonated) would, one
// object of each tamper rule, and returns the alerts the audit log must hold: rule, then a word of the
// alert's object, and a function that puts back the fields the tamper took (without it the stack's up
// conflicts). The drift check's relabel of team-a (by the deployer, without the stack's field manager)
// is one of them.
func tamper(t *testing.T, c *cluster.Cluster) (map[string]tamperAlerts, func()) {
	t.Helper()
	ctx := context.Background()
	cfg := rest.CopyConfig(c.Admin)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: "mallory@example.com", Groups: []string{"system:masters"}}
	mallory := kubernetes.NewForConfigOrDie(cfg)
	merge := func(err error) { t.Helper(); require.NoError(t, err) }
	patch := func(body string) []byte { return []byte(body) }

	_, err := mallory.CoreV1().Namespaces().Patch(ctx, "team-b", types.MergePatchType,
		patch(`{"metadata":{"labels":{"`+psaapi.EnforceLevelLabel+`":"privileged"}}}`), metav1.PatchOptions{})
	merge(err)
	merge(mallory.NetworkingV1().NetworkPolicies("team-b").Delete(ctx, tenant.DefaultDenyPolicyName, metav1.DeleteOptions{}))
	merge(mallory.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Delete(ctx, "kubeharden-image-tag", metav1.DeleteOptions{}))
	merge(mallory.CoreV1().ResourceQuotas("team-a").Delete(ctx, tenant.QuotaName, metav1.DeleteOptions{}))
	_, err = mallory.CoreV1().ServiceAccounts("team-a").Patch(ctx, "default", types.MergePatchType,
		patch(`{"automountServiceAccountToken":true}`), metav1.PatchOptions{})
	merge(err)
	reader, err := mallory.RbacV1().ClusterRoles().Get(ctx, rbac.ClusterReaderRole, metav1.GetOptions{})
	merge(err)
	readerRules := len(reader.Rules)
	_, err = mallory.RbacV1().ClusterRoles().Patch(ctx, rbac.ClusterReaderRole, types.JSONPatchType,
		patch(`[{"op":"add","path":"/rules/-","value":{"apiGroups":[""],"resources":["secrets"],"verbs":["get","list"]}}]`), metav1.PatchOptions{})
	merge(err)
	_, err = mallory.AppsV1().DaemonSets("kubeharden-logging").Patch(ctx, logging.AgentName, types.MergePatchType,
		patch(`{"spec":{"template":{"spec":{"nodeSelector":{"kubeharden.io/nowhere":"true"}}}}}`), metav1.PatchOptions{})
	merge(err)
	revert := func() {
		_, err := mallory.CoreV1().Namespaces().Patch(ctx, "team-b", types.MergePatchType,
			patch(`{"metadata":{"labels":{"`+psaapi.EnforceLevelLabel+`":"restricted"}}}`), metav1.PatchOptions{})
		merge(err)
		_, err = mallory.CoreV1().ServiceAccounts("team-a").Patch(ctx, "default", types.MergePatchType,
			patch(`{"automountServiceAccountToken":false}`), metav1.PatchOptions{})
		merge(err)
		_, err = mallory.RbacV1().ClusterRoles().Patch(ctx, rbac.ClusterReaderRole, types.JSONPatchType,
			patch(`[{"op":"remove","path":"/rules/`+fmt.Sprint(readerRules)+`"}]`), metav1.PatchOptions{})
		merge(err)
		_, err = mallory.AppsV1().DaemonSets("kubeharden-logging").Patch(ctx, logging.AgentName, types.MergePatchType,
			patch(`{"spec":{"template":{"spec":{"nodeSelector":{"kubeharden.io/nowhere":null}}}}}`), metav1.PatchOptions{})
		merge(err)
	}
	return map[string]tamperAlerts{
		// team-a relabelled by the deployer (drift), team-b by mallory; neither put back is an alert
		"tamper-namespace-pod-security":  {"namespaces team-", 2},
		"tamper-network-policy":          {"team-b/" + tenant.DefaultDenyPolicyName, 1},
		"tamper-admission-guardrail":     {"kubeharden-image-tag", 1},
		"tamper-quota":                   {"team-a/" + tenant.QuotaName, 1},
		"tamper-default-service-account": {"team-a/default", 1},                                     // put back to false: no alert
		"tamper-rbac":                    {rbac.ClusterReaderRole, 2},                               // the rule added, and removed by hand
		"tamper-log-agent":               {"daemonsets kubeharden-logging/" + logging.AgentName, 2}, // patched, and put back by hand
	}, revert
}

// tamperAlerts are the alerts a tamper rule must raise: how many, each naming object.
type tamperAlerts struct {
	object string
	count  int
}

// checkTamperAlerts scans the whole audit log of the test, from before the first `pulumi up` to after
// `destroy`, with `kubeharden audit scan --profile` of the cluster stack and its deployer: each tamper is
// named by its rule, and nothing else the stack did (up, refresh, preview, destroy, the namespace
// controller emptying its namespaces, `kubeharden check`) raises a tamper alert.
func checkTamperAlerts(t *testing.T, kubeharden, dir string, c *cluster.Cluster, want map[string]tamperAlerts) {
	t.Helper()
	review, err := c.Client.AuthenticationV1().SelfSubjectReviews().Create(context.Background(), &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	require.NoError(t, err)
	deployer := review.Status.UserInfo.Username
	log := filepath.Join(t.TempDir(), "audit.log")
	require.NoError(t, os.WriteFile(log, []byte(c.AuditLog(t)), 0o600))
	stdout, stderr, code := pulumitest.Exec(t, exec.Command(kubeharden, "audit", "scan", "-o", "jsonl",
		"--profile", filepath.Join(dir, "stacks", "Pulumi.cluster.yaml"), "--deployer", deployer, log))
	require.Equal(t, 1, code, "alerts: %s%s", stdout, stderr)
	byRule := map[string][]detections.Alert{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var a detections.Alert
		require.NoError(t, json.Unmarshal([]byte(line), &a), line)
		byRule[a.Rule] = append(byRule[a.Rule], a)
	}
	for rule, w := range want {
		alerts := byRule[rule]
		assert.Len(t, alerts, w.count, "%s: %+v", rule, alerts)
		for _, a := range alerts {
			assert.Contains(t, a.Object, w.object, "%s: %s", rule, a.Detail)
			if !strings.Contains(a.Object, "team-a") || rule != "tamper-namespace-pod-security" {
				assert.Contains(t, a.Detail, "as mallory@example.com", "%s: mallory's, not the stack's: %s", rule, a.Detail)
			}
		}
	}
	assert.Len(t, byRule["admission-changed"], 1, "mallory's delete of a guardrail binding; not the stack's destroy of them all")
	// The catalog's other rules fire only on what the test does on purpose besides the tamper: the
	// guardrail checks' refused pods, and mallory's impersonation. Anything else is a false positive of
	// the stack's own work (up, refresh, destroy, kubeharden check of the live cluster, drift).
	expected := map[string]bool{"admission-changed": true, "host-access-pod-refused": true, "denied-burst": true, "impersonation-used": true}
	for rule, alerts := range byRule {
		if _, ok := want[rule]; !ok && !expected[rule] {
			t.Errorf("an alert where there was no technique: %+v", alerts)
		}
	}
}

// checkAccess asks the API server, through SubjectAccessReviews, what the profile's subjects may do.
// Each denial stands beside an allowance for the same subject, so a missing binding cannot pass for a
// working one.
// checkLive runs `kubeharden check -o json` on the live cluster (and its control-plane files, withFiles),
// with the cluster stack's profile, and returns the report and the exit code.
func checkLive(t *testing.T, kubeharden, dir string, c *cluster.Cluster, withFiles bool) (*report.Report, int) {
	t.Helper()
	args := []string{"check", "-o", "json", "--kubeconfig", c.Paths.AdminKubeconfig(), "--profile", "stacks/Pulumi.cluster.yaml"}
	if withFiles {
		args = append(args, c.Paths.Root)
	}
	cmd := exec.Command(kubeharden, args...)
	cmd.Dir = dir
	out, err := pulumitest.CommandOutput(cmd)
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	var r report.Report
	require.NoError(t, json.Unmarshal(out, &r), "%s", out)
	require.Empty(t, r.Errors)
	require.NotZero(t, r.Objects)
	return &r, code
}

// checkMirrorPod checks the live path for a kubeadm control plane, whose components run as static pods
// the API server shows as mirror pods in kube-system: a pod labelled component=kube-apiserver with
// kubeharden's flags but --profiling=true makes apiserver-access fail, read from the cluster alone.
func checkMirrorPod(t *testing.T, kubeharden, dir string, c *cluster.Cluster) {
	t.Helper()
	ctx := context.Background()
	args := controlplane.APIServerArgs(c.Inputs.Profile)
	args["profiling"] = "true"
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-apiserver-cp1", Namespace: "kube-system", Labels: map[string]string{"component": "kube-apiserver", "tier": "control-plane"}},
		Spec: corev1.PodSpec{
			AutomountServiceAccountToken: ptr.To(false),
			Containers: []corev1.Container{{Name: "kube-apiserver", Image: "registry.k8s.io/kube-apiserver:v1.36.3",
				Command: append([]string{"kube-apiserver"}, args.Flags()...)}},
		},
	}
	_, err := c.Client.CoreV1().Pods("kube-system").Create(ctx, pod, metav1.CreateOptions{})
	require.NoError(t, err)
	defer func() {
		_ = c.Client.CoreV1().Pods("kube-system").Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To(int64(0))})
	}()

	r, code := checkLive(t, kubeharden, dir, c, false)
	assert.Equal(t, report.ExitFail, code)
	assert.Equal(t, report.StatusFail, statusOf(r, "apiserver-access"))
	var profiling []controls.Finding
	for _, f := range r.Findings {
		if f.Control == "apiserver-access" {
			profiling = append(profiling, f)
		}
	}
	require.Len(t, profiling, 1, "%+v", r.Findings)
	assert.Equal(t, "kube-apiserver", profiling[0].Object)
	assert.Equal(t, "Pod/kube-system/kube-apiserver-cp1", profiling[0].Path)
	assert.Equal(t, "--profiling", profiling[0].Field)
	assert.Equal(t, report.StatusPass, statusOf(r, "control-plane-tls"), "the rest of the flags pass")
}

func statusOf(r *report.Report, id string) report.Status {
	for _, c := range r.Controls {
		if c.ID == id {
			return c.Status
		}
	}
	return ""
}

func checkAccess(t *testing.T, c *cluster.Cluster) {
	t.Helper()
	type who struct {
		user   string
		groups []string
	}
	developer := who{"ana", []string{"oidc:team-a", "system:authenticated"}}
	lead := who{"lee", []string{"oidc:team-a-leads", "system:authenticated"}}
	sre := who{"sam", []string{"oidc:platform-sre", "system:authenticated"}}
	anonymous := who{"system:anonymous", []string{"system:unauthenticated"}}
	cases := []struct {
		name                                   string
		who                                    who
		verb, group, resource, subresource, ns string
		allowed                                bool
	}{
		{"a developer manages deployments in their namespace", developer, "create", "apps", "deployments", "", "team-a", true},
		{"a developer cannot read Secrets", developer, "get", "", "secrets", "", "team-a", false},
		{"a developer cannot list Secrets", developer, "list", "", "secrets", "", "team-a", false},
		{"a developer cannot act in another tenant's namespace", developer, "create", "apps", "deployments", "", "team-b", false},
		{"a developer cannot create RoleBindings", developer, "create", "rbac.authorization.k8s.io", "rolebindings", "", "team-a", false},
		{"a developer cannot exec without allowExec", developer, "create", "", "pods", "exec", "team-a", false},
		{"a namespace admin binds roles in their namespace", lead, "create", "rbac.authorization.k8s.io", "rolebindings", "", "team-a", true},
		{"a namespace admin cannot bind outside it", lead, "create", "rbac.authorization.k8s.io", "rolebindings", "", "team-b", false},
		{"a namespace admin cannot escalate", lead, "escalate", "rbac.authorization.k8s.io", "roles", "", "team-a", false},
		{"a namespace admin cannot impersonate", lead, "impersonate", "", "users", "", "", false},
		{"a namespace admin cannot delete the default deny", lead, "delete", "networking.k8s.io", "networkpolicies", "", "team-a", false},
		{"the cluster reader reads pods everywhere", sre, "list", "", "pods", "", "", true},
		{"the cluster reader cannot read Secrets", sre, "get", "", "secrets", "", "team-a", false},
		{"the cluster reader cannot change anything", sre, "delete", "", "pods", "", "team-a", false},
		{"anonymous cannot list namespaces", anonymous, "list", "", "namespaces", "", "", false},
		{"anonymous cannot read pods", anonymous, "get", "", "pods", "", "team-a", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
				User: tc.who.user, Groups: tc.who.groups,
				ResourceAttributes: &authorizationv1.ResourceAttributes{
					Verb: tc.verb, Group: tc.group, Resource: tc.resource, Subresource: tc.subresource, Namespace: tc.ns,
				},
			}}
			res, err := c.Client.AuthorizationV1().SubjectAccessReviews().Create(context.Background(), sar, metav1.CreateOptions{})
			require.NoError(t, err)
			assert.Equal(t, tc.allowed, res.Status.Allowed, "%s %s/%s in %q: %s", tc.verb, tc.resource, tc.subresource, tc.ns, res.Status.Reason)
		})
	}
}

// checkLogAgentNamespace: the agent's DaemonSet is admitted (the tenant guardrails do not reach its
// namespace), and nothing else may run there, even a pod that passes every tenant rule.
func checkLogAgentNamespace(t *testing.T, c *cluster.Cluster, ns string) {
	t.Helper()
	ctx := context.Background()
	ds, err := c.Client.AppsV1().DaemonSets(ns).Get(ctx, logging.AgentName, metav1.GetOptions{})
	require.NoError(t, err)
	assert.NotEmpty(t, ds.Spec.Template.Annotations["kubeharden.io/config-checksum"])

	_, err = c.Client.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "app"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = c.Client.CoreV1().Pods(ns).Create(ctx, compliantPod(), metav1.CreateOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), logging.OnlyAgentPolicy)
	assert.Contains(t, err.Error(), "only the log agent runs in the log agent's namespace")
}
