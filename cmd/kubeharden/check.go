package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/check"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/report"
)

// addInputFlags adds the flags of what check and report read to c.
func addInputFlags(c *cobra.Command, in *check.Inputs) {
	c.Flags().StringVar(&in.Kubeconfig, "kubeconfig", "", "also check a live cluster through this kubeconfig (read-only: it only lists)")
	c.Flags().StringVar(&in.ProfileFile, "profile", "", "a profile file or stack settings file (stacks/Pulumi.<stack>.yaml): its compliance.exemptions and kubernetesVersion apply")
	c.Flags().StringVar(&in.KubernetesVersion, "kubernetes-version", "", "the Kubernetes version whose checks apply (default: the profile's, else "+config.DefaultKubernetesVersion+")")
	c.Flags().StringVarP(&in.Namespace, "namespace", "n", "", "the namespace of objects that name none, as kubectl apply -n sets it (default: default)")
	c.Flags().StringVar(&in.PreviewFile, "pulumi-preview", "", "also check the resources a stack would hold after its update: the output of `pulumi preview --json`")
}

// newCheckCommand is `kubeharden check`: the report on standard output, and the exit code says the result.
func newCheckCommand() *cobra.Command {
	var in check.Inputs
	var output string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "check [PATH...]",
		Short: "Check manifests, the control-plane file set and a live cluster against the control catalog; exit 0 pass, 1 fail, 2 usage or input error",
		RunE: func(cmd *cobra.Command, paths []string) error {
			if !slices.Contains(report.Formats, output) {
				return usageError(fmt.Errorf("check: --output %q: supported values: %s", output, strings.Join(report.Formats, ", ")))
			}
			in.Paths = paths
			r, err := check.Run(cmd.Context(), in)
			if err != nil {
				return usageError(fmt.Errorf("check: %w", err))
			}
			if err := r.Write(cmd.OutOrStdout(), output, verbose); err != nil {
				return err
			}
			if code := r.ExitCode(); code != report.ExitPass {
				return outcome(code)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text, json, sarif, junit or summary (the last lines of text, with the objects by kind)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "text: also list the controls the inputs could not answer, and why")
	addInputFlags(cmd, &in)
	return cmd
}
