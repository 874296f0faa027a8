// Package checktest runs the check pipeline for the tests of the pipeline and of the report, which judge
// fixture files as `kubeharden check` does. Only tests import it.
package checktest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/check"
	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/report"
)

// CheckOptions are what a test checks: the check pipeline's inputs.
type CheckOptions = check.Inputs

// Check runs the check pipeline (check.Run) as `kubeharden check` does.
func Check(in CheckOptions) (*report.Report, error) { return check.Run(context.Background(), in) }

// CheckManifests checks files and folders with no exemptions.
func CheckManifests(catalog []controls.Control, kubernetesVersion string, paths ...string) (*report.Report, error) {
	return Check(CheckOptions{Catalog: catalog, KubernetesVersion: kubernetesVersion, Paths: paths})
}

// Write writes content to dir/name (its folders made) and returns its path.
func Write(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}
