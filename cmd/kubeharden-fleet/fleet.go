package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/kubeharden/kubeharden/cmd/internal/cli"
	"github.com/kubeharden/kubeharden/fleet"
	"github.com/kubeharden/kubeharden/report"
	"github.com/kubeharden/kubeharden/stack"
)

// newFleetCommand is `kubeharden-fleet preview|up|drift` (`kubeharden fleet` runs it): one profile on every cluster of a fleet file.
func newFleetCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "kubeharden-fleet", Short: "Preview, apply or look for drift on every cluster of a fleet file"}
	var file, project, pack, output, htmlPath string
	var parallel int
	var only, exclude []string
	cmd.PersistentFlags().StringVarP(&file, "file", "f", "fleet.yaml", "the fleet file")
	cmd.PersistentFlags().StringVar(&project, "project", ".", "the kubeharden project folder (Pulumi.yaml), or a folder below it")
	cmd.PersistentFlags().StringVar(&pack, "policy-pack", "", "the kubeharden-policy executable (default: next to this kubeharden)")
	cmd.PersistentFlags().IntVar(&parallel, "parallel", 4, "how many clusters run at once")
	cmd.PersistentFlags().StringSliceVar(&only, "only", nil, "only these clusters (names, comma-separated)")
	cmd.PersistentFlags().StringSliceVar(&exclude, "exclude", nil, "all clusters but these")
	cmd.PersistentFlags().StringVarP(&output, "output", "o", "table", "table or json")
	cmd.PersistentPreRunE = func(c *cobra.Command, _ []string) error { return flagsFromEnvironment(c.Flags()) }
	for _, op := range []fleet.Operation{fleet.Preview, fleet.Up, fleet.Drift} {
		short := map[fleet.Operation]string{
			fleet.Preview: "Preview every cluster with the policy pack; exit 1 if one fails or violates a mandatory policy",
			fleet.Up:      "Apply to every cluster with the policy pack; a failing cluster does not stop the others; exit 1 if one fails",
			fleet.Drift:   "Compare every cluster with the program (preview --refresh) and check it live; exit 1 if one drifted or fails a control, 2 if one could not be judged",
		}[op]
		sub := &cobra.Command{Use: string(op), Short: short, Args: noArgs, RunE: func(c *cobra.Command, _ []string) error {
			if output != "table" && output != "json" {
				return usageError(fmt.Errorf("--output %q: must be table or json", output))
			}
			if parallel < 1 {
				return usageError(fmt.Errorf("--parallel %d: must be at least 1", parallel))
			}
			f, err := fleet.Load(file)
			if err != nil {
				return usageError(err)
			}
			root, err := stack.ProjectRootFrom(project)
			if err != nil {
				return usageError(err)
			}
			if pack == "" {
				pack = cli.SiblingExecutable("kubeharden-policy")
			}
			results, err := fleet.Run(c.Context(), f, op, fleet.Options{
				Project: root, PolicyPack: pack, Parallel: parallel, Only: only, Exclude: exclude, Progress: c.ErrOrStderr(),
			})
			if err != nil {
				return usageError(err)
			}
			if output == "json" {
				err = fleet.WriteJSON(c.OutOrStdout(), results)
			} else {
				err = fleet.WriteTable(c.OutOrStdout(), op, results)
			}
			if err != nil {
				return err
			}
			if htmlPath != "" {
				if err := writeFleetHTML(htmlPath, results); err != nil {
					return err
				}
			}
			return fleetOutcome(results)
		}}
		if op == fleet.Drift {
			sub.Flags().StringVar(&htmlPath, "html", "", "also write the drift report as an HTML page to this file")
		}
		cmd.AddCommand(sub)
	}
	return cmd
}

// fleetOutcome is the exit of a fleet run: 1 when a cluster failed, else 2 when one could not be judged,
// else 0.
func fleetOutcome(results []fleet.Result) error {
	notJudged := false
	for _, r := range results {
		if r.Failed() {
			return outcome(report.ExitFail)
		}
		notJudged = notJudged || r.NotJudged != ""
	}
	if notJudged {
		return outcome(report.ExitInput)
	}
	return nil
}

func writeFleetHTML(path string, results []fleet.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fleet.WriteHTML(f, results, time.Now()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// EnvPrefix starts the environment variable that sets each flag a command line leaves out, for a CI
// job that configures the fleet by its environment: KUBEHARDEN_FLEET_FILE, KUBEHARDEN_FLEET_PARALLEL,
// KUBEHARDEN_FLEET_POLICY_PACK, KUBEHARDEN_FLEET_ONLY (comma-separated), and so on.
const EnvPrefix = "KUBEHARDEN_FLEET"

// flagsFromEnvironment sets each flag the command line did not set from its environment variable,
// through viper (its prefix and key replacer): a flag given wins over the variable, the variable over
// the default, and a variable whose value the flag refuses is a usage error naming the variable.
func flagsFromEnvironment(flags *pflag.FlagSet) error {
	v := viper.New()
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	var errs []error
	flags.VisitAll(func(f *pflag.Flag) {
		if f.Changed {
			return
		}
		_ = v.BindEnv(f.Name) // a key: it cannot fail
		if !v.IsSet(f.Name) {
			return
		}
		name := EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if err := flags.Set(f.Name, v.GetString(f.Name)); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", name, v.GetString(f.Name), err))
		}
	})
	if len(errs) > 0 {
		return usageError(errors.Join(errs...))
	}
	return nil
}
