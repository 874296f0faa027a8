package integration

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/components/guardrails"
	"github.com/kubeharden/kubeharden/components/logging"
	"github.com/kubeharden/kubeharden/components/rbac"
	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/controls/manifests"
	"github.com/kubeharden/kubeharden/pki"
	"github.com/kubeharden/kubeharden/report"
	"github.com/kubeharden/kubeharden/stack"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
	"github.com/kubeharden/kubeharden/tests/rendered"
)

// devProfile reads the profile of stacks/Pulumi.dev.yaml the way the program does, so that the test's
// expectations follow the stack file rather than repeat it.
func devProfile(t *testing.T) config.Resolved {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(pulumitest.RepoRoot(t), "stacks", "Pulumi.dev.yaml"))
	require.NoError(t, err)
	var file struct {
		Config map[string]any `json:"config"`
	}
	require.NoError(t, yaml.Unmarshal(data, &file))
	raw, ok := file.Config[stack.ConfigNamespace+":"+stack.ProfileKey].(map[string]any)
	require.True(t, ok, "the dev stack has a kubeharden:profile object")
	p, err := config.Load(config.Sources{Stack: raw, Environ: []string{}})
	require.NoError(t, err)
	require.NotEmpty(t, p.Tenants, "the dev stack has tenants")
	return p
}

func TestDevStackRendersAHardenedBaseline(t *testing.T) {
	renderDir := filepath.Join(t.TempDir(), "render")
	ws := pulumitest.NewWorkspace(t, stack.RenderDirEnv+"="+renderDir)
	profile := devProfile(t)

	ws.MustRun("stack", "init", "dev", "--non-interactive")
	secretsDir := ws.GenerateStackSecrets("dev")
	out := ws.MustRun("up", "--yes", "--stack", "dev", "--non-interactive")
	t.Logf("pulumi up:\n%s", out)

	objs, err := rendered.LoadDir(filepath.Join(renderDir, "1-manifest"))
	require.NoError(t, err, "every rendered file decodes strictly into its k8s.io/api type")

	// Exactly the objects the profile asks for: nothing missing, nothing extra.
	var want []string
	for _, tn := range profile.Tenants {
		want = append(want,
			"Namespace/"+tn.Name,
			"NetworkPolicy/"+tn.Name+"/"+tenant.DefaultDenyPolicyName,
			"NetworkPolicy/"+tn.Name+"/"+tenant.DNSEgressPolicyName,
			"ResourceQuota/"+tn.Name+"/"+tenant.QuotaName,
			"LimitRange/"+tn.Name+"/"+tenant.LimitRangeName,
			"ServiceAccount/"+tn.Name+"/default",
		)
		if len(tn.EgressCIDRs) > 0 {
			want = append(want, "NetworkPolicy/"+tn.Name+"/"+tenant.CIDREgressPolicyName)
		}
		for _, role := range []struct {
			name     string
			subjects []config.Subject
		}{{rbac.NamespaceAdminRole, tn.Access.Admins}, {rbac.DeveloperRole, tn.Access.Developers}, {rbac.ViewerRole, tn.Access.Viewers}} {
			want = append(want, "Role/"+tn.Name+"/"+role.name)
			if len(role.subjects) > 0 {
				want = append(want, "RoleBinding/"+tn.Name+"/"+role.name)
			}
		}
	}
	want = append(want, "ClusterRole/"+rbac.ClusterReaderRole, "ClusterRole/"+rbac.AuditorRole)
	if len(profile.RBAC.ClusterReaders) > 0 {
		want = append(want, "ClusterRoleBinding/"+rbac.ClusterReaderRole)
	}
	if len(profile.RBAC.Auditors) > 0 {
		want = append(want, "ClusterRoleBinding/"+rbac.AuditorRole)
	}
	if profile.Logging.Enabled {
		ns := profile.Logging.Namespace
		want = append(want, "NetworkPolicy/"+ns+"/"+tenant.DefaultDenyPolicyName, "NetworkPolicy/"+ns+"/allow-log-shipping",
			"ResourceQuota/"+ns+"/"+tenant.QuotaName, "LimitRange/"+ns+"/"+tenant.LimitRangeName)
		want = append(want, "Namespace/"+ns, "ServiceAccount/"+ns+"/"+logging.AgentName, "ConfigMap/"+ns+"/"+logging.AgentName,
			"DaemonSet/"+ns+"/"+logging.AgentName, "ClusterRole/"+logging.AgentRole, "ClusterRoleBinding/"+logging.AgentRole,
			"ValidatingAdmissionPolicy/"+logging.OnlyAgentPolicy, "ValidatingAdmissionPolicyBinding/"+logging.OnlyAgentPolicy)
	}
	for _, p := range guardrails.Policies(profile.Guardrails) {
		want = append(want, "ValidatingAdmissionPolicy/"+p.Name, "ValidatingAdmissionPolicyBinding/"+p.Name)
	}
	for _, bg := range profile.RBAC.BreakGlass {
		want = append(want, "ClusterRoleBinding/"+rbac.BreakGlassPrefix+bg.Name)
	}
	sort.Strings(want)
	var got []string
	byKey := map[string]manifests.Object{}
	for _, o := range objs {
		got = append(got, o.Key())
		byKey[o.Key()] = o
	}
	require.Equal(t, want, got)

	levels := map[string]psaapi.Level{}
	for _, tn := range profile.Tenants {
		ps := profile.EffectivePodSecurity(&tn)
		ns := byKey["Namespace/"+tn.Name].Typed().(*corev1.Namespace)
		assert.Equal(t, ps.Enforce, ns.Labels[psaapi.EnforceLevelLabel], tn.Name)
		assert.Equal(t, ps.Version, ns.Labels[psaapi.EnforceVersionLabel], tn.Name)
		assert.Equal(t, ps.Audit, ns.Labels[psaapi.AuditLevelLabel], tn.Name)
		assert.Equal(t, ps.Warn, ns.Labels[psaapi.WarnLevelLabel], tn.Name)
		levels[tn.Name] = psaapi.Level(ps.Enforce)

		deny := byKey["NetworkPolicy/"+tn.Name+"/"+tenant.DefaultDenyPolicyName].Typed().(*networkingv1.NetworkPolicy)
		assert.Empty(t, deny.Spec.PodSelector.MatchLabels, "default deny selects every pod")
		assert.ElementsMatch(t, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}, deny.Spec.PolicyTypes)
		assert.Empty(t, deny.Spec.Ingress)
		assert.Empty(t, deny.Spec.Egress)

		sa := byKey["ServiceAccount/"+tn.Name+"/default"].Typed().(*corev1.ServiceAccount)
		require.NotNil(t, sa.AutomountServiceAccountToken)
		assert.False(t, *sa.AutomountServiceAccountToken)

		quota := byKey["ResourceQuota/"+tn.Name+"/"+tenant.QuotaName].Typed().(*corev1.ResourceQuota)
		assert.Equal(t, tn.Quota.LimitsCPU, quota.Spec.Hard.Name("limits.cpu", "").String())
		assert.Equal(t, tn.Quota.LimitsMemory, quota.Spec.Hard.Name("limits.memory", "").String())
	}

	// No policy lets a pod reach the cloud metadata endpoint.
	for _, o := range objs {
		np, ok := o.Typed().(*networkingv1.NetworkPolicy)
		if !ok {
			continue
		}
		for _, rule := range np.Spec.Egress {
			for _, peer := range rule.To {
				if peer.IPBlock == nil {
					continue
				}
				for _, endpoint := range config.MetadataExcept(peer.IPBlock.CIDR) {
					assert.Contains(t, peer.IPBlock.Except, endpoint, "%s lets pods reach the metadata endpoint", o.Key())
				}
			}
		}
	}

	// Every pod-producing object passes Pod Security at its namespace's level.
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	require.NoError(t, err)
	if profile.Logging.Enabled {
		levels[profile.Logging.Namespace] = psaapi.Level(profile.Logging.PodSecurity.Enforce)
		checkLogAgent(t, byKey, profile, evaluator)
	}
	workloads := 0
	for _, o := range objs {
		meta, spec, ok := manifests.PodTemplate(o.Typed())
		if !ok {
			continue
		}
		workloads++
		level, known := levels[o.Namespace]
		require.True(t, known, "%s runs in a namespace kubeharden did not make", o.Key())
		lv := psaapi.LevelVersion{Level: level, Version: psaapi.LatestVersion()}
		for _, r := range evaluator.EvaluatePod(lv, meta, spec) {
			assert.True(t, r.Allowed, "%s: %s: %s", o.Key(), r.ForbiddenReason, r.ForbiddenDetail)
		}
	}
	t.Logf("checked %d objects, %d of them pod-producing", len(objs), workloads)

	// A second run changes nothing, and its diff shows no key material either.
	preview := ws.MustRun("preview", "--diff", "--expect-no-changes", "--stack", "dev", "--non-interactive")
	assertNoKeyMaterial(t, "pulumi preview --diff", preview)
	assertNoKeyMaterial(t, "pulumi up", out)

	node := checkControlPlaneOutputs(t, ws, profile)
	checkCompliance(t, ws, filepath.Join(renderDir, "1-manifest"), node)
	checkMakeUp(t, ws, secretsDir, profile, objs)
	ws.CheckIdempotentAndRemovable("dev", renderDir)
}

// checkMakeUp runs what `make up` runs (scripts/up.sh) on the stack that is up already: the outputs stay
// off the screen, the public control-plane files are written with their modes and no key among them
// (SENSITIVE=1 adds the keys, 0600), and the summary counts the rendered objects by kind and passes.
func checkMakeUp(t *testing.T, ws *pulumitest.Workspace, secretsDir string, profile config.Resolved, objs []manifests.Object) {
	t.Helper()
	cpDir := filepath.Join(t.TempDir(), "control-plane")
	out, code := ws.RunScript("up.sh", "STACK=dev", "CONTROL_PLANE_DIR="+cpDir, "SECRETS_DIR="+secretsDir)
	require.Equal(t, 0, code, "%s", out)
	assertNoKeyMaterial(t, "make up", out)
	assert.NotContains(t, out, "BEGIN CERTIFICATE", "the outputs stay off the screen")
	assert.LessOrEqual(t, strings.Count(out, "\n"), 40, "make up is short:\n%s", out)
	assert.Contains(t, out, "kubeharden: kept the PKI of stack dev", "make up keeps the stack's PKI while it is far from expiry")
	assert.Regexp(t, `Resources:\s+\d+ unchanged\s`, out, "the stack's secrets carried over: nothing changed")
	kinds := map[string]int{}
	for _, o := range objs {
		kinds[o.GVK.Kind]++
	}
	require.Contains(t, kinds, "Namespace")
	summary := regexp.MustCompile(`\s+`).ReplaceAllString(out, " ") // the summary's lines wrap at 100 columns
	for k, n := range kinds {
		assert.Regexp(t, fmt.Sprintf(`[:,] %d %s(\.[a-z0-9.-]+)?(,|$| )`, n, k), summary, "the summary counts the rendered objects by kind")
	}
	assert.Contains(t, summary, "objects: ")
	assert.Contains(t, out, "result: PASS")
	public, sensitive := 0, 0
	for _, f := range controlplane.Layout(profile) {
		fi, err := os.Stat(filepath.Join(cpDir, f.Path))
		if f.Sensitive {
			sensitive++
			assert.True(t, os.IsNotExist(err), "%s holds a key: written only on request", f.Path)
			continue
		}
		public++
		if assert.NoError(t, err, f.Path) {
			assert.Equal(t, f.Mode, fi.Mode().Perm(), f.Path)
		}
	}
	require.NotZero(t, public)
	require.NotZero(t, sensitive)

	out, code = ws.RunScript("up.sh", "STACK=dev", "CONTROL_PLANE_DIR="+cpDir, "SECRETS_DIR="+secretsDir, "SENSITIVE=1")
	require.Equal(t, 0, code, "%s", out)
	for _, f := range controlplane.Layout(profile) {
		if fi, err := os.Stat(filepath.Join(cpDir, f.Path)); f.Sensitive && assert.NoError(t, err, f.Path) {
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), f.Path)
		}
	}
}

// checkLogAgent checks the agent's hardening on the rendered DaemonSet, and that the only thing Pod
// Security baseline would refuse in it is the read-only hostPath its profile exception names.
func checkLogAgent(t *testing.T, byKey map[string]manifests.Object, profile config.Resolved, evaluator policy.Evaluator) {
	t.Helper()
	ns := profile.Logging.Namespace
	nsObj := byKey["Namespace/"+ns].Typed().(*corev1.Namespace)
	assert.Equal(t, "privileged", nsObj.Labels[psaapi.EnforceLevelLabel])
	assert.Equal(t, profile.Logging.PodSecurity.ExemptionReason, nsObj.Annotations[contract.PodSecurityExemptionReasonAnnotation])

	ds := byKey["DaemonSet/"+ns+"/"+logging.AgentName].Typed().(*appsv1.DaemonSet)
	spec := ds.Spec.Template.Spec
	require.Len(t, spec.Containers, 1)
	c := spec.Containers[0]
	assert.True(t, *c.SecurityContext.ReadOnlyRootFilesystem)
	assert.False(t, *c.SecurityContext.AllowPrivilegeEscalation)
	assert.Equal(t, []corev1.Capability{"ALL"}, c.SecurityContext.Capabilities.Drop)
	assert.Empty(t, c.SecurityContext.Capabilities.Add)
	assert.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, spec.SecurityContext.SeccompProfile.Type)
	assert.False(t, *spec.AutomountServiceAccountToken)
	assert.False(t, c.Resources.Limits.Cpu().IsZero())
	assert.False(t, c.Resources.Limits.Memory().IsZero())
	assert.Equal(t, []corev1.Toleration{{Operator: corev1.TolerationOpExists}}, spec.Tolerations)
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			assert.Equal(t, "/var/log", v.HostPath.Path, "only the log directory")
			for _, m := range c.VolumeMounts {
				if m.Name == v.Name {
					assert.True(t, m.ReadOnly, "host paths are mounted read-only")
				}
			}
		}
	}
	cm := byKey["ConfigMap/"+ns+"/"+logging.AgentName].Typed().(*corev1.ConfigMap)
	assert.Equal(t, logging.Checksum(cm.Data["fluent-bit.conf"]), ds.Spec.Template.Annotations["kubeharden.io/config-checksum"])

	var refused []string
	for _, r := range evaluator.EvaluatePod(psaapi.LevelVersion{Level: psaapi.LevelBaseline, Version: psaapi.LatestVersion()},
		&ds.Spec.Template.ObjectMeta, &spec) {
		if !r.Allowed {
			refused = append(refused, r.ForbiddenReason)
		}
	}
	assert.Equal(t, []string{"hostPath volumes"}, refused, "the exception is exactly the host's log directory")
}

// assertNoKeyMaterial fails when text holds a PEM private key.
func assertNoKeyMaterial(t *testing.T, what, text string) {
	t.Helper()
	assert.False(t, strings.Contains(text, "PRIVATE KEY"), "%s shows a private key", what)
	assert.False(t, strings.Contains(text, "client-key-data"), "%s shows a kubeconfig's key", what)
}

// checkControlPlaneOutputs checks the dev stack's control-plane outputs: keys only as secrets, nowhere in
// the state in plaintext, and `kubeharden files write` lays them out with their modes.
func checkControlPlaneOutputs(t *testing.T, ws *pulumitest.Workspace, profile config.Resolved) string {
	t.Helper()
	var outputs map[string]any
	require.NoError(t, json.Unmarshal([]byte(ws.MustRun("stack", "output", "--json", "--stack", "dev")), &outputs))
	assert.Equal(t, "[secret]", outputs[stack.ControlPlaneSensitiveFilesOutput])
	assert.Equal(t, "[secret]", outputs["cloudInit"])
	expiries, ok := outputs["certificateExpiries"].(map[string]any)
	require.True(t, ok, "certificate expiries are plain outputs")
	assert.Len(t, expiries, len(pki.RequiredNames()), "the dev stack names no audit webhook: not its two certificates")

	// The encryption keys and private keys are in the state only encrypted.
	keysJSON := ws.MustRun("config", "get", "kubeharden:encryptionKeys", "--stack", "dev")
	var keys []controlplane.EncryptionKey
	require.NoError(t, json.Unmarshal([]byte(keysJSON), &keys))
	require.NotEmpty(t, keys)
	require.NoError(t, filepath.WalkDir(ws.Backend, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		assert.False(t, strings.Contains(string(data), "PRIVATE KEY"), "%s holds a private key in plaintext", path)
		assert.False(t, strings.Contains(string(data), keys[0].Secret), "%s holds the encryption key in plaintext", path)
		return nil
	}))

	kubeharden := pulumitest.BuildCLI(t)
	node := t.TempDir()
	write := exec.Command(kubeharden, "files", "write", "--stack", "dev", "--dir", node)
	write.Dir, write.Env = ws.Dir, ws.Env()
	out, err := write.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assertNoKeyMaterial(t, "kubeharden files write", string(out))
	for _, f := range controlplane.Layout(profile) {
		fi, err := os.Stat(filepath.Join(node, f.Path))
		if assert.NoError(t, err, f.Path) {
			assert.Equal(t, f.Mode, fi.Mode().Perm(), f.Path)
		}
	}
	return node
}

// checkCompliance runs `kubeharden check` on what the dev stack produced, the rendered objects and the
// control-plane file set, with the stack's profile: no control fails; the tenant roles that kubeharden
// itself grants Secrets and exec are exempt with the reasons the profile implies, and only
// service-exposure has nothing to judge (the stack renders no Service). `kubeharden report` writes the
// same result as HTML and Markdown.
func checkCompliance(t *testing.T, ws *pulumitest.Workspace, rendered, node string) {
	t.Helper()
	kubeharden := pulumitest.BuildCLI(t)
	check := exec.Command(kubeharden, "check", "-o", "json", "--profile", "stacks/Pulumi.dev.yaml", rendered, node)
	check.Dir = ws.Dir
	out, err := check.Output()
	require.NoError(t, err, "kubeharden check exits 0 on the dev stack: %s", out)
	var report report.Report
	require.NoError(t, json.Unmarshal(out, &report))
	require.Len(t, report.Controls, len(controls.DefaultControls()))
	pulumitest.AssertCompliant(t, &report, []string{"the tenant's namespace admins "}, "service-exposure")
	assert.Empty(t, report.Findings)
	assert.NotEmpty(t, report.Exempted, "kubeharden:namespace-admin reads its namespace's Secrets")
	assert.Empty(t, report.Errors)
	assert.NotZero(t, report.Configs, "the control-plane files were read")

	htmlPath, mdPath := filepath.Join(t.TempDir(), "report.html"), filepath.Join(t.TempDir(), "report.md")
	rep := exec.Command(kubeharden, "report", "--html", htmlPath, "--markdown", mdPath, "--profile", "stacks/Pulumi.dev.yaml", rendered, node)
	rep.Dir = ws.Dir
	out, err = rep.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), fmt.Sprintf("controls: %d pass, 0 fail, 2 exempt, 1 not evaluated", len(controls.DefaultControls())-3))
	for _, p := range []string{htmlPath, mdPath} {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Contains(t, string(data), "encryption-at-rest")
		assertNoKeyMaterial(t, p, string(data))
	}
}

func TestDevStackRefusesABadProfileAndCreatesNothing(t *testing.T) {
	renderDir := filepath.Join(t.TempDir(), "render")
	ws := pulumitest.NewWorkspace(t, stack.RenderDirEnv+"="+renderDir, "KUBEHARDEN_PODSECURITY_ENFORCE=strict")

	ws.MustRun("stack", "init", "dev", "--non-interactive")
	out, err := ws.Run("up", "--yes", "--stack", "dev", "--non-interactive")
	require.Error(t, err, "pulumi up must fail:\n%s", out)
	assert.Contains(t, out, `podSecurity.enforce: Unsupported value: "strict": supported values: "privileged", "baseline", "restricted"`)

	_, statErr := os.Stat(renderDir)
	assert.True(t, os.IsNotExist(statErr), "nothing was rendered")
	export := ws.MustRun("stack", "export", "--stack", "dev")
	assert.False(t, strings.Contains(export, "kubernetes:"), "no resource is in the state:\n%s", export)
}
