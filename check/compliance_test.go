package check

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/report"
	"github.com/kubeharden/kubeharden/stack"
)

func TestProfileFromFileReadsAProfileOrAStackSettingsFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: x\nruntime: go\n"), 0o644))
	profile := filepath.Join(dir, "profile.yaml")
	require.NoError(t, os.WriteFile(profile, []byte("kubernetesVersion: \"1.35.2\"\ncompliance:\n  exemptions:\n  - control: rbac-no-wildcards\n    object: ClusterRole/vendor-*\n    reason: the vendor's operator; SEC-12\n"), 0o644))
	p, err := ProfileFromFile(profile)
	require.NoError(t, err)
	assert.Equal(t, "1.35.2", p.KubernetesVersion)
	assert.Equal(t, report.Exemption{Control: "rbac-no-wildcards", Object: "ClusterRole/vendor-*", Reason: "the vendor's operator; SEC-12"}, Exemptions(p)[0])

	settings := filepath.Join(dir, "stacks", "Pulumi.test.yaml")
	require.NoError(t, os.MkdirAll(filepath.Dir(settings), 0o755))
	require.NoError(t, os.WriteFile(settings, []byte("config:\n  kubeharden:profileFile: profile.yaml\n  kubeharden:profile:\n    kubernetesVersion: \"1.36.3\"\n  kubeharden:pki:\n    secure: v1:abc\n"), 0o644))
	p, err = ProfileFromFile(settings)
	require.NoError(t, err)
	assert.Equal(t, "1.36.3", p.KubernetesVersion, "the stack's profile over the file's")
	assert.Len(t, p.Compliance.Exemptions, 1, "the file's exemptions")

	// A user's stack with no kubeharden profile: the default one, not its settings read as a profile.
	userStack := filepath.Join(dir, "Pulumi.user.yaml")
	require.NoError(t, os.WriteFile(userStack, []byte("encryptionsalt: v1:abc\nconfig:\n  app:renderDir: out\n"), 0o644))
	p, err = ProfileFromFile(userStack)
	require.NoError(t, err)
	assert.Equal(t, config.DefaultKubernetesVersion, p.KubernetesVersion)
	assert.Empty(t, p.Compliance.Exemptions)

	require.NoError(t, os.WriteFile(profile, []byte("compliance:\n  exemptions:\n  - control: rbac-no-wildcards\n"), 0o644))
	_, err = ProfileFromFile(profile)
	assert.ErrorContains(t, err, "compliance.exemptions[0].reason: Required value")
}

func TestProfileSourcesFromTheTwoStackSettings(t *testing.T) {
	src, err := stack.ProfileSources(`{"kubernetesVersion":"1.36.3"}`, "profiles/dev.yaml", "/repo")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"kubernetesVersion": "1.36.3"}, src.Stack)
	assert.Equal(t, "/repo/profiles/dev.yaml", src.File)

	src, err = stack.ProfileSources("", "/etc/kubeharden/profile.yaml", "/repo")
	require.NoError(t, err)
	assert.Nil(t, src.Stack)
	assert.Equal(t, "/etc/kubeharden/profile.yaml", src.File)

	_, err = stack.ProfileSources(`"a string"`, "", "/repo")
	assert.ErrorContains(t, err, "kubeharden:profile: must be an object")
}

// TestExemptionsTheProfileImplies: settings of the profile that exempt something say so to the check,
// each with its reason: Pod Security admission exemptions, break-glass bindings, and the tenant roles
// kubeharden itself grants Secrets and exec.
func TestExemptionsTheProfileImplies(t *testing.T) {
	p := &config.Profile{
		Tenants: []config.Tenant{{Name: "team-a", Access: config.Access{AllowExec: true}}, {Name: "team-b"}},
		RBAC:    config.RBAC{BreakGlass: []config.BreakGlass{{Name: "oncall", Subject: config.Subject{Kind: "Group", Name: "oidc:oncall"}, Reason: "INC-7 recovery"}}},
	}
	p.ControlPlane.Admission.Exemptions = []config.Exemption{{Kind: "namespace", Name: "kube-system", Reason: "CNI needs host paths"}, {Kind: "username", Name: "ci", Reason: "r"}}
	r, err := config.Resolve(p)
	require.NoError(t, err)
	var got []string
	for _, e := range Exemptions(r) {
		got = append(got, e.Control+" "+e.Object)
		assert.NotEmpty(t, e.Reason)
	}
	assert.Equal(t, []string{
		"workload-pod-security */kube-system/*",
		"rbac-cluster-admin-binding ClusterRoleBinding/kubeharden:break-glass:oncall",
		"rbac-secrets-access Role/team-a/kubeharden:namespace-admin",
		"rbac-pod-exec Role/team-a/kubeharden:namespace-admin",
		"rbac-pod-exec Role/team-a/kubeharden:developer",
		"rbac-secrets-access Role/team-b/kubeharden:namespace-admin",
		"rbac-pod-exec Role/team-b/kubeharden:namespace-admin",
	}, got)
	for i, e := range Exemptions(r) {
		require.Empty(t, config.ValidateExemption(&e, field.NewPath("exemptions").Index(i)), "the implied exemptions are valid ones")
	}
}
