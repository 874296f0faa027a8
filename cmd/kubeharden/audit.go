package main

import (
	"encoding/json"
	"fmt"

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
	scan.Flags().StringVar(&profile, "profile", "", "the stack's settings file (stacks/Pulumi.<stack>.yaml) or profile: adds the tamper rules, which watch the baseline it makes")
	scan.Flags().StringVar(&manager, "field-manager", "", "the stack's server-side apply field manager (default: kubeharden/<project>/<stack> from the settings file's name and Pulumi.yaml)")
	scan.Flags().StringArrayVar(&deployers, "deployer", nil, "a user the stack runs as: its deletes of the baseline are the stack's destroy (repeatable)")
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
