package report_test

import (
	"context"

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
