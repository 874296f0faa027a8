package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admissionregistration/v1"

	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/controls/manifests"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
	"github.com/kubeharden/kubeharden/tests/rendered"
)

// buildComponentProvider builds cmd/pulumi-resource-kubeharden into the checkout's bin/, where the
// examples' Pulumi.yaml finds it (plugins.providers[].path).
func buildComponentProvider(t *testing.T) {
	t.Helper()
	build := exec.Command("go", "build", "-o", filepath.Join("bin", "pulumi-resource-kubeharden"), "./cmd/pulumi-resource-kubeharden")
	build.Dir = pulumitest.RepoRoot(t)
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
}

// examples/yaml, a Pulumi YAML program, uses the Baseline and a tenant Namespace through the component
// provider with the real `pulumi up` (the YAML language host built from pulumi-yaml): the typed profile
// becomes the same hardened objects the Go components make; a second preview, with the policy pack,
// changes nothing; an invalid tenant fails the update naming its field, and renders nothing.
func TestYAMLExampleRunsThroughTheComponentProvider(t *testing.T) {
	buildComponentProvider(t)
	pack := pulumitest.BuildPolicyPack(t)
	ws := pulumitest.NewWorkspace(t)
	ws.Dir = filepath.Join(pulumitest.RepoRoot(t), "examples", "yaml")
	settings := filepath.Join(t.TempDir(), "Pulumi.example.yaml")
	stackFile := filepath.Join(ws.Dir, "Pulumi.example.yaml") // stack init writes it beside the program
	t.Cleanup(func() { _ = os.Remove(stackFile) })
	renderDir := t.TempDir()
	ws.MustRun("stack", "init", "example", "--non-interactive")
	ws.MustRun("config", "set", "--stack", "example", "--config-file", settings, "renderDir", renderDir)
	out := ws.MustRun("up", "--yes", "--stack", "example", "--config-file", settings, "--non-interactive")
	t.Logf("pulumi up:\n%s", out)

	objs, err := rendered.LoadDir(filepath.Join(renderDir, "1-manifest"))
	require.NoError(t, err)
	byKey := map[string]manifests.Object{}
	for _, o := range objs {
		byKey[o.Key()] = o
	}
	for _, ns := range []string{"payments", "reporting"} {
		for _, want := range []string{"Namespace/" + ns, "NetworkPolicy/" + ns + "/" + tenant.DefaultDenyPolicyName, "ResourceQuota/" + ns + "/" + tenant.QuotaName, "LimitRange/" + ns + "/" + tenant.LimitRangeName} {
			assert.Contains(t, byKey, want)
		}
	}
	assert.Contains(t, byKey, "NetworkPolicy/reporting/"+tenant.CIDREgressPolicyName, "the tenant's egressCIDRs, a typed list")
	assert.Equal(t, "restricted", byKey["Namespace/payments"].Meta().GetLabels()["pod-security.kubernetes.io/enforce"])
	outputs := ws.MustRun("stack", "output", "--stack", "example", "--json")
	assert.Contains(t, outputs, `"reportingEnforces": "restricted"`)

	out = ws.MustRun("preview", "--expect-no-changes", "--stack", "example", "--config-file", settings, "--non-interactive", "--policy-pack", pack)
	assert.NotContains(t, out, "[mandatory]")
	ws.CheckIdempotentAndRemovable("example", renderDir, "--config-file", settings)

	// A bad input, in a program of its own: the field, the value and what is allowed, and nothing made.
	bad := t.TempDir()
	program, err := os.ReadFile(filepath.Join(ws.Dir, "Pulumi.yaml"))
	require.NoError(t, err)
	program = []byte(strings.NewReplacer(
		"name: reporting", "name: Reporting_Team",
		"path: ../../bin", "path: "+filepath.Join(pulumitest.RepoRoot(t), "bin"),
	).Replace(string(program)))
	require.NoError(t, os.WriteFile(filepath.Join(bad, "Pulumi.yaml"), program, 0o644))
	badRender := filepath.Join(t.TempDir(), "render")
	ws.Dir = bad
	ws.MustRun("stack", "init", "bad", "--non-interactive")
	ws.MustRun("config", "set", "--stack", "bad", "renderDir", badRender)
	out, err = ws.Run("up", "--yes", "--stack", "bad", "--non-interactive")
	require.Error(t, err, "%s", out)
	assert.Contains(t, out, `tenant.name: Invalid value: "Reporting_Team"`)
	assert.Contains(t, out, "lowercase RFC 1123 label")
	// The component refuses before it registers anything; the program's other, valid components are the
	// engine's to run (it creates independent resources in parallel), so only the tenant's are absent.
	made, err := filepath.Glob(filepath.Join(badRender, "1-manifest", "*eporting*"))
	require.NoError(t, err)
	assert.Empty(t, made, "the invalid tenant rendered nothing")
}

// TestYAMLUsesGuardrailsAndClusterRBACAlone: the Guardrails and ClusterRBAC components, each on its own
// through the component provider, render their policies and roles as the profile's sections say.
func TestYAMLUsesGuardrailsAndClusterRBACAlone(t *testing.T) {
	buildComponentProvider(t)
	ws := pulumitest.NewWorkspace(t)
	ws.Dir = t.TempDir()
	program := `name: kubeharden-parts
runtime: yaml
plugins:
  providers:
    - name: kubeharden
      path: ` + filepath.Join(pulumitest.RepoRoot(t), "bin") + `
config:
  renderDir:
    type: string
resources:
  render:
    type: pulumi:providers:kubernetes
    properties:
      renderYamlToDirectory: ${renderDir}
  rules:
    type: kubeharden:guardrails:Guardrails
    properties:
      guardrails:
        actions:
          imageTag: Warn
    options:
      providers:
        - ${render}
  access:
    type: kubeharden:rbac:ClusterRBAC
    properties:
      rbac:
        auditors:
          - kind: Group
            name: oidc:audit
    options:
      providers:
        - ${render}
outputs:
  policies: ${rules.policyNames}
  roles: ${access.clusterRoles}
`
	require.NoError(t, os.WriteFile(filepath.Join(ws.Dir, "Pulumi.yaml"), []byte(program), 0o644))
	renderDir := t.TempDir()
	ws.MustRun("stack", "init", "parts", "--non-interactive")
	ws.MustRun("config", "set", "--stack", "parts", "renderDir", renderDir)
	ws.MustRun("up", "--yes", "--stack", "parts", "--non-interactive")

	objs, err := rendered.LoadDir(filepath.Join(renderDir, "1-manifest"))
	require.NoError(t, err)
	kinds := map[string]int{}
	for _, o := range objs {
		kinds[o.GVK.Kind]++
		if b, ok := o.Typed().(*admissionv1.ValidatingAdmissionPolicyBinding); ok && b.Name == "kubeharden-image-tag" {
			assert.Contains(t, b.Spec.ValidationActions, admissionv1.Warn)
		}
	}
	assert.Equal(t, 5, kinds["ValidatingAdmissionPolicy"], "image tag, limits, ServiceAccount, Service type, Pod Security of templates: no registry rule without registries")
	assert.Equal(t, kinds["ValidatingAdmissionPolicy"], kinds["ValidatingAdmissionPolicyBinding"])
	assert.Equal(t, 2, kinds["ClusterRole"])
	assert.Equal(t, 1, kinds["ClusterRoleBinding"], "the auditors' binding only")
	outputs := ws.MustRun("stack", "output", "--stack", "parts", "--json")
	assert.Contains(t, outputs, `"kubeharden:auditor"`)
	assert.Contains(t, outputs, `"kubeharden-image-tag"`)
	ws.CheckIdempotentAndRemovable("parts", renderDir)
}
