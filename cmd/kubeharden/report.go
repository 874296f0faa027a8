package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/check"
	"github.com/kubeharden/kubeharden/report"
)

// newReportCommand is `kubeharden report`: the compliance report as HTML and/or Markdown files.
func newReportCommand() *cobra.Command {
	var in check.Inputs
	var htmlOut, markdownOut string
	cmd := &cobra.Command{
		Use:   "report [PATH...]",
		Short: "Write the compliance report as one self-contained HTML page and/or Markdown: the matrix of controls, the evidence behind each, the exemptions",
		RunE: func(cmd *cobra.Command, paths []string) error {
			if htmlOut == "" && markdownOut == "" {
				return usageError(errors.New("report: name --html FILE, --markdown FILE or both"))
			}
			in.Paths = paths
			r, err := check.Run(cmd.Context(), in)
			if err != nil {
				return usageError(fmt.Errorf("report: %w", err))
			}
			written, err := r.WriteFiles(htmlOut, markdownOut, time.Now())
			for _, path := range written {
				fmt.Fprintf(cmd.OutOrStdout(), "kubeharden: wrote %s\n", path)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "kubeharden: controls: %d pass, %d fail, %d exempt, %d not evaluated\n",
				r.Count(report.StatusPass), r.Count(report.StatusFail), r.Count(report.StatusExempt), r.Count(report.StatusNotEvaluated))
			return nil
		},
	}
	cmd.Flags().StringVar(&htmlOut, "html", "", "write the HTML page here")
	cmd.Flags().StringVar(&markdownOut, "markdown", "", "write the Markdown here")
	addInputFlags(cmd, &in)
	return cmd
}
