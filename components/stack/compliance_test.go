package stack

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/controls"
)

func TestProfileFromFileReadsAProfileOrAStackSettingsFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: x\nruntime: go\n"), 0o644))
	profile := filepath.Join(dir, "profile.yaml")
	require.NoError(t, os.WriteFile(profile, []byte("kubernetesVersion: \"1.35.2\"\ncompliance:\n  exemptions:\n  - control: rbac-no-wildcards\n    object: ClusterRole/vendor-*\n    reason: the vendor's operator; SEC-12\n"), 0o644))
	p, err := ProfileFromFile(profile)
	require.NoError(t, err)
	assert.Equal(t, "1.35.2", p.KubernetesVersion)
	assert.Equal(t, []controls.Exemption{{Control: "rbac-no-wildcards", Object: "ClusterRole/vendor-*", Reason: "the vendor's operator; SEC-12"}}, Exemptions(p))

	settings := filepath.Join(dir, "stacks", "Pulumi.test.yaml")
	require.NoError(t, os.MkdirAll(filepath.Dir(settings), 0o755))
	require.NoError(t, os.WriteFile(settings, []byte("config:\n  kubeharden:profileFile: profile.yaml\n  kubeharden:profile:\n    kubernetesVersion: \"1.36.3\"\n  kubeharden:pki:\n    secure: v1:abc\n"), 0o644))
	p, err = ProfileFromFile(settings)
	require.NoError(t, err)
	assert.Equal(t, "1.36.3", p.KubernetesVersion, "the stack's profile over the file's")
	assert.Len(t, p.Compliance.Exemptions, 1, "the file's exemptions")

	require.NoError(t, os.WriteFile(profile, []byte("compliance:\n  exemptions:\n  - control: rbac-no-wildcards\n"), 0o644))
	_, err = ProfileFromFile(profile)
	assert.ErrorContains(t, err, "compliance.exemptions[0].reason: Required value")
}

func TestProfileSourcesFromTheTwoStackSettings(t *testing.T) {
	src, err := ProfileSources(`{"kubernetesVersion":"1.36.3"}`, "profiles/dev.yaml", "/repo")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"kubernetesVersion": "1.36.3"}, src.Stack)
	assert.Equal(t, "/repo/profiles/dev.yaml", src.File)

	src, err = ProfileSources("", "/etc/kubeharden/profile.yaml", "/repo")
	require.NoError(t, err)
	assert.Nil(t, src.Stack)
	assert.Equal(t, "/etc/kubeharden/profile.yaml", src.File)

	_, err = ProfileSources(`"a string"`, "", "/repo")
	assert.ErrorContains(t, err, "kubeharden:profile: must be an object")
}
