package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/check"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/monitoring"
)

// newMonitoringCommand is `kubeharden monitoring rules`: the alerting rules of the monitoring section.
func newMonitoringCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "monitoring", Short: "Prometheus alerting rules on the control plane's security signals"}
	var profile, output string
	rules := &cobra.Command{
		Use:   "rules",
		Short: "Write the alerting rules as a Prometheus rules file (-o rules) or a prometheus-operator PrometheusRule (-o prometheusrule)",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			p, err := config.Load(config.Sources{})
			if profile != "" {
				p, err = check.ProfileFromFile(profile)
			}
			if err != nil {
				return usageError(fmt.Errorf("monitoring rules: --profile %s: %w", profile, err))
			}
			var out []byte
			switch output {
			case "rules":
				out, err = monitoring.RulesFile(p.Monitoring)
			case "prometheusrule":
				out, err = yaml.Marshal(monitoring.PrometheusRule(p.Monitoring))
			default:
				return usageError(fmt.Errorf("monitoring rules: --output %q: supported values: rules, prometheusrule", output))
			}
			if err != nil {
				return err
			}
			_, err = c.OutOrStdout().Write(out)
			return err
		},
	}
	rules.Flags().StringVar(&profile, "profile", "", "a profile file or stack settings file: its monitoring section (its namespace, labels and threshold)")
	rules.Flags().StringVarP(&output, "output", "o", "rules", "rules (a Prometheus rules file) or prometheusrule")
	cmd.AddCommand(rules)
	return cmd
}
