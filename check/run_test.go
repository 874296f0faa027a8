package check

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/report"
)

const unlabelled = "../controls/testdata/namespace-pod-security/fail/unlabelled.yaml"

// TestRunNeedsAnInput: with nothing to read, nothing is checked, and the error says what to name.
func TestRunNeedsAnInput(t *testing.T) {
	_, err := Run(context.Background(), Inputs{})
	assert.ErrorContains(t, err, "name at least one file or folder")
	_, err = Run(context.Background(), Inputs{Profile: resolvedDefault(t)})
	assert.ErrorContains(t, err, "name at least one file or folder")
}

// TestRunAppliesTheProfile: the profile's exemptions and Kubernetes version apply, from a file or a
// resolved profile; --kubernetes-version overrides the profile's.
func TestRunAppliesTheProfile(t *testing.T) {
	bare, err := Run(context.Background(), Inputs{Paths: []string{unlabelled}})
	require.NoError(t, err)
	assert.Equal(t, report.ExitFail, bare.ExitCode())
	assert.Equal(t, config.DefaultKubernetesVersion, bare.KubernetesVersion)

	dir := t.TempDir()
	profile := filepath.Join(dir, "profile.yaml")
	require.NoError(t, os.WriteFile(profile, []byte("kubernetesVersion: \"1.35.2\"\ncompliance:\n  exemptions:\n  - control: namespace-pod-security\n    object: Namespace/team\n    reason: SEC-1\n"), 0o644))
	fromFile, err := Run(context.Background(), Inputs{Paths: []string{unlabelled}, ProfileFile: profile})
	require.NoError(t, err)
	assert.Equal(t, report.ExitPass, fromFile.ExitCode())
	assert.Equal(t, "1.35.2", fromFile.KubernetesVersion)
	require.Len(t, fromFile.Exempted, 1)
	assert.Equal(t, "SEC-1", fromFile.Exempted[0].Reason)

	p, err := ProfileFromFile(profile)
	require.NoError(t, err)
	resolved, err := Run(context.Background(), Inputs{Paths: []string{unlabelled}, Profile: p, KubernetesVersion: "1.34.4"})
	require.NoError(t, err)
	assert.Equal(t, report.ExitPass, resolved.ExitCode())
	assert.Equal(t, "1.34.4", resolved.KubernetesVersion, "the flag wins over the profile")

	_, err = Run(context.Background(), Inputs{Paths: []string{unlabelled}, ProfileFile: filepath.Join(dir, "missing.yaml")})
	assert.ErrorContains(t, err, "--profile "+filepath.Join(dir, "missing.yaml"))
}

// TestRunReadsAPreview: a preview's resources are judged, each named by its URN, and the preview is a
// source; what it cannot judge, and a preview with no Kubernetes resource, are errors of the report (it
// fails closed); a preview that is not one is an error.
func TestRunReadsAPreview(t *testing.T) {
	r, err := Run(context.Background(), Inputs{PreviewFile: "../cmd/kubeharden/testdata/preview-privileged.json"})
	require.NoError(t, err)
	assert.Equal(t, report.ExitFail, r.ExitCode())
	assert.Contains(t, r.Sources, "../cmd/kubeharden/testdata/preview-privileged.json")
	require.NotEmpty(t, r.FindingsOf("workload-pod-security"))
	assert.Contains(t, r.FindingsOf("workload-pod-security")[0].Path, "urn:pulumi:")

	r, err = Run(context.Background(), Inputs{PreviewFile: "../cmd/kubeharden/testdata/preview-unknown.json"})
	require.NoError(t, err)
	assert.Equal(t, report.ExitInput, r.ExitCode())
	require.NotEmpty(t, r.Errors)
	assert.Contains(t, r.Errors[0].Err, "not known until the update runs")

	empty := filepath.Join(t.TempDir(), "preview.json")
	require.NoError(t, os.WriteFile(empty, []byte(`{"steps": []}`), 0o644))
	r, err = Run(context.Background(), Inputs{PreviewFile: empty})
	require.NoError(t, err)
	assert.Equal(t, report.ExitInput, r.ExitCode())
	assert.Contains(t, r.Errors[len(r.Errors)-1].Err, "the preview holds no Kubernetes resource")

	// One resource judged and one not: the unjudged one is the only error.
	mixed := filepath.Join(t.TempDir(), "preview.json")
	require.NoError(t, os.WriteFile(mixed, []byte(`{"steps": [
 {"op": "create", "newState": {"urn": "urn:pulumi:ci::app::kubernetes:core/v1:Namespace::a", "type": "kubernetes:core/v1:Namespace",
  "inputs": {"metadata": {"name": "a"}}}},
 {"op": "create", "newState": {"urn": "urn:pulumi:ci::app::kubernetes:core/v1:Namespace::b", "type": "kubernetes:core/v1:Namespace",
  "inputs": {"metadata": {"name": "b", "labels": {"pod-security.kubernetes.io/enforce": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}}}}}
]}`), 0o644))
	r, err = Run(context.Background(), Inputs{PreviewFile: mixed})
	require.NoError(t, err)
	require.Len(t, r.Errors, 1, "%v", r.Errors)
	assert.Equal(t, "urn:pulumi:ci::app::kubernetes:core/v1:Namespace::b", r.Errors[0].Path)

	_, err = Run(context.Background(), Inputs{PreviewFile: "compliance.go"})
	assert.ErrorContains(t, err, "--pulumi-preview compliance.go")
	_, err = Run(context.Background(), Inputs{PreviewFile: "missing.json"})
	assert.ErrorContains(t, err, "--pulumi-preview")
}

// TestProfileFromAStackSettingsFileWithOnlyAProfile: a stack settings file whose config holds
// kubeharden:profile and no profile file is read through that profile, not as a profile file itself.
func TestProfileFromAStackSettingsFileWithOnlyAProfile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: x\nruntime: go\n"), 0o644))
	settings := filepath.Join(dir, "Pulumi.ci.yaml")
	require.NoError(t, os.WriteFile(settings, []byte("config:\n  kubeharden:profile:\n    kubernetesVersion: \"1.34.4\"\n"), 0o644))
	p, err := ProfileFromFile(settings)
	require.NoError(t, err)
	assert.Equal(t, "1.34.4", p.KubernetesVersion)
}

// TestRunRefusesAClusterItCannotRead: a kubeconfig that cannot be read is an error, nothing checked.
func TestRunRefusesAClusterItCannotRead(t *testing.T) {
	_, err := Run(context.Background(), Inputs{Kubeconfig: filepath.Join(t.TempDir(), "missing")})
	assert.Error(t, err)
}

// resolvedDefault is the default profile, resolved.
func resolvedDefault(t *testing.T) config.Resolved {
	t.Helper()
	r, err := config.Resolve(&config.Profile{})
	require.NoError(t, err)
	return r
}
