package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/detections"
)

// newAuditCommand is `kubeharden audit scan`: the detection rules over audit logs.
func newAuditCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Detect attacks and weakening in the API server's audit log"}
	var output string
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
			res := detections.ScanFiles(detections.DefaultRules(), args...)
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
	cmd.AddCommand(scan)
	return cmd
}
