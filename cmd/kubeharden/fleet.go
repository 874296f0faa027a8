package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/cmd/internal/cli"
)

// fleetExecutable is the command `kubeharden fleet` runs: fleet drives stacks through the Pulumi
// Automation API, which kubeharden does not link (it starts in a few milliseconds and judges files
// with no Pulumi SDK in it).
const fleetExecutable = "kubeharden-fleet"

// newFleetCommand is `kubeharden fleet ...`: kubeharden-fleet (next to kubeharden, else on PATH) run
// with the same arguments, streams and environment, and its exit code.
func newFleetCommand() *cobra.Command {
	return &cobra.Command{
		Use:                "fleet",
		Short:              "Preview, apply or look for drift on every cluster of a fleet file (runs " + fleetExecutable + ")",
		DisableFlagParsing: true,
		RunE: func(c *cobra.Command, args []string) error {
			path, err := cli.FindExecutable(fleetExecutable)
			if err != nil {
				return usageError(fmt.Errorf("kubeharden fleet: %w (build it with `go build -o bin/ ./cmd/kubeharden ./cmd/kubeharden-fleet ./cmd/kubeharden-policy`)", err))
			}
			cmd := exec.CommandContext(c.Context(), path, args...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, c.OutOrStdout(), c.ErrOrStderr()
			err = cmd.Run()
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				return outcome(exit.ExitCode())
			}
			return err
		},
	}
}
