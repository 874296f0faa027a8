package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/check"
	"github.com/kubeharden/kubeharden/detections"
	"github.com/kubeharden/kubeharden/stack"
)

// newAuditCommand is `kubeharden audit scan`: the detection rules over audit logs, and with a profile the
// tamper rules of its baseline.
func newAuditCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Detect attacks and weakening in the API server's audit log"}
	var output, profile, manager string
	var deployers []string
	scan := &cobra.Command{
		Use:   "scan FILE|FOLDER...",
		Short: "Evaluate the detection rules on audit logs (JSON lines, .gz too); exit 1 on an alert, 2 when anything was not read",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError(fmt.Errorf("audit scan: name at least one audit log file or folder"))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if output != "text" && output != "json" && output != "jsonl" {
				return usageError(fmt.Errorf("--output %q: supported values: text, json, jsonl", output))
			}
			rules := detections.DefaultRules()
			if profile != "" {
				b, err := baseline(profile, manager, deployers)
				if err != nil {
					return usageError(fmt.Errorf("audit scan: --profile %s: %w", profile, err))
				}
				tamper, err := detections.TamperRules(b)
				if err != nil {
					return err
				}
				rules = append(b.Quiet(rules), tamper...)
			} else if manager != "" || len(deployers) > 0 {
				return usageError(fmt.Errorf("audit scan: --field-manager and --deployer need --profile"))
			}
			res := detections.ScanFiles(rules, args...)
			var err error
			switch output {
			case "json":
				enc := json.NewEncoder(c.OutOrStdout())
				enc.SetIndent("", "  ")
				err = enc.Encode(res)
			case "jsonl":
				err = res.WriteJSONLines(c.OutOrStdout())
			default:
				err = res.WriteText(c.OutOrStdout())
			}
			if err != nil {
				return err
			}
			if code := res.ExitCode(); code != detections.ExitClean {
				return outcome(code)
			}
			return nil
		},
	}
	scan.Flags().StringVarP(&output, "output", "o", "text", "text, json (the whole result) or jsonl (an alert a line)")
	addBaselineFlags(scan, &profile, &manager, &deployers)
	cmd.AddCommand(scan)
	return cmd
}

// baseline is the baseline the profile or stack settings file makes, for the tamper rules.
func baseline(profile, manager string, deployers []string) (detections.Baseline, error) {
	p, err := check.ProfileFromFile(profile)
	if err != nil {
		return detections.Baseline{}, err
	}
	if manager == "" {
		if manager, err = stack.FieldManagerOf(profile); err != nil {
			return detections.Baseline{}, fmt.Errorf("%w; name it with --field-manager", err)
		}
	}
	return detections.BaselineOf(p, manager, deployers)
}

// newDetectionsCommand is `kubeharden detections export`: the rules for the engines teams already run.
func newDetectionsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "detections", Short: "The detection rules, for other engines"}
	var format, profile, manager string
	var deployers []string
	export := &cobra.Command{
		Use:   "export --format sigma|falco",
		Short: "Write every detection rule as Sigma rules (raw audit field names) or Falco k8saudit rules; with --profile, the stack's tamper rules too",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if !slices.Contains(detections.ExportFormats, format) {
				return usageError(fmt.Errorf("detections export: --format %q: supported values: %s", format, strings.Join(detections.ExportFormats, ", ")))
			}
			rules := detections.DefaultRules()
			if profile != "" {
				b, err := baseline(profile, manager, deployers)
				if err != nil {
					return usageError(fmt.Errorf("detections export: --profile %s: %w", profile, err))
				}
				tamper, err := detections.TamperRules(b)
				if err != nil {
					return err
				}
				rules = append(rules, tamper...)
			}
			return detections.Export(c.OutOrStdout(), format, rules)
		},
	}
	export.Flags().StringVar(&format, "format", "", "sigma or falco")
	addBaselineFlags(export, &profile, &manager, &deployers)
	cmd.AddCommand(export)
	return cmd
}

// addBaselineFlags adds the flags that name a stack's baseline, for its tamper rules.
func addBaselineFlags(c *cobra.Command, profile, manager *string, deployers *[]string) {
	c.Flags().StringVar(profile, "profile", "", "the stack's settings file (stacks/Pulumi.<stack>.yaml) or profile: adds the tamper rules, which watch the baseline it makes")
	c.Flags().StringVar(manager, "field-manager", "", "the stack's server-side apply field manager (default: kubeharden/<project>/<stack> from the settings file's name and Pulumi.yaml)")
	c.Flags().StringArrayVar(deployers, "deployer", nil, "a user the stack runs as: its deletes of the baseline are the stack's destroy (repeatable)")
}
