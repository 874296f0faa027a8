package check_test

import (
	"path/filepath"
	"strings"
	"testing"

	. "github.com/kubeharden/kubeharden/check/checktest"

	. "github.com/kubeharden/kubeharden/controls"
	. "github.com/kubeharden/kubeharden/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/tests/testenv"
)

// TestCorpus checks manifests nobody here wrote: the guide's items are found in them, each finding
// located at its object's line with its field, and the placeholder file that no API server would accept
// fails the run closed.
func TestCorpus(t *testing.T) {
	dir := testenv.Corpus(t)
	r, err := CheckManifests(DefaultControls(), "1.36.3", dir)
	require.NoError(t, err)
	assert.Greater(t, r.Objects, 900)
	assert.Greater(t, r.Skipped, 600, "CRDs and custom resources")
	byControl := map[string]int{}
	for _, f := range r.Findings {
		byControl[f.Control]++
		assert.Positive(t, f.Line, "%+v", f)
		assert.Equal(t, 1, f.Column)
		if f.Object != "cluster" && !strings.HasPrefix(f.Control, "namespace-") && f.Control != "network-default-deny" {
			assert.NotEmpty(t, f.Field, "%+v", f)
		}
	}
	for _, id := range []string{
		"workload-pod-security", "container-resource-limits", "container-read-only-root-filesystem", "container-image-tag",
		"no-default-service-account", "service-account-token-automount", "network-policy-coverage", "service-exposure",
		"rbac-secrets-access", "rbac-no-wildcards", "rbac-escalation-verbs", "rbac-pod-exec", "rbac-pod-create",
	} {
		assert.Positive(t, byControl[id], "%s finds nothing in ten real projects' manifests", id)
	}
	// kyverno's bundle names its images :latest (the corpus README says so).
	latest := 0
	for _, f := range r.FindingsOf("container-image-tag") {
		if strings.Contains(f.Path, "kyverno") {
			latest++
		}
	}
	assert.Positive(t, latest)
	// linkerd's CLI test output has placeholder quantities: not a manifest any API server accepts.
	var errorFiles []string
	for _, e := range r.Errors {
		errorFiles = append(errorFiles, filepath.Base(e.Path))
		assert.Positive(t, e.Line)
	}
	assert.Contains(t, errorFiles, "install_output.yaml")
	assert.Equal(t, ExitInput, r.ExitCode())
	t.Logf("%d objects, %d skipped, %d errors; findings by control: %v", r.Objects, r.Skipped, len(r.Errors), byControl)
}
