package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/stack"
)

// usageError is a usage or input error: the command exits 2 for it.
type usageError struct{ error }

// outcome is how a command ended that ran to its end but whose result is not a pass, such as a failing
// check: the process exits with code, and nothing more is printed.
type outcome struct{ code int }

func (o outcome) Error() string { return fmt.Sprintf("exit %d", o.code) }

func main() {
	// A run is short and allocates most of what it reads: collect garbage a quarter as often as Go's
	// default, within a soft limit far under the 300 MB a check may take (GOGC and GOMEMLIMIT still win).
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(200 << 20)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line args and returns the process's exit code: 0 when the command passed, the
// outcome's code when it ran to its end without passing (a failing check is 1), 2 for a usage or input
// error, 1 for any other error.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	var end outcome
	switch {
	case err == nil:
		return 0
	case errors.As(err, &end):
		return end.code
	default:
		fmt.Fprintln(stderr, "kubeharden:", err)
		var usage usageError
		if errors.As(err, &usage) || cmd == root { // a flag error, or an unknown command
			return controls.ExitInput
		}
		return 1
	}
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{Use: "kubeharden", Short: "Harden a Kubernetes cluster from its first minute", SilenceUsage: true, SilenceErrors: true}
	// A flag that is unknown or of the wrong type is a usage error, for every command: exit 2.
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{fmt.Errorf("%s: %w", c.CommandPath(), err)} })
	root.AddCommand(newPKICommand(), newEncryptionKeyCommand(), newRewriteSecretsCommand(), newCheckCommand(), newReportCommand(), newFilesCommand(), newFleetCommand(), newVersionCommand())
	// --version prints what `kubeharden version` prints, read only when asked (the catalog and the build
	// information are not start-up work).
	root.Version = "set"
	cobra.AddTemplateFunc("aboutText", func() string { return readAbout().text() })
	root.SetVersionTemplate("{{aboutText}}")
	return root
}

// noArgs refuses positional arguments as a usage error (exit 2), where cobra.NoArgs would exit 1.
func noArgs(c *cobra.Command, args []string) error {
	if err := cobra.NoArgs(c, args); err != nil {
		return usageError{err}
	}
	return nil
}

// stackFlags are the flags of the commands that work on a stack through the pulumi CLI.
type stackFlags struct{ stack, project, configFile string }

// add adds --stack, --project and --config-file to c and its subcommands.
func (f *stackFlags) add(c *cobra.Command) {
	c.PersistentFlags().StringVar(&f.stack, "stack", "dev", "the Pulumi stack")
	c.PersistentFlags().StringVar(&f.project, "project", ".", "the project folder (Pulumi.yaml), or a folder below it")
	c.PersistentFlags().StringVar(&f.configFile, "config-file", "", "the stack's settings file, in place of stacks/Pulumi.<stack>.yaml (pulumi's --config-file)")
}

// cli is the pulumi CLI on the stack the flags name.
func (f *stackFlags) cli() (stack.PulumiCLI, error) {
	project, err := stack.ProjectRootFrom(f.project)
	configFile := f.configFile
	if configFile != "" {
		if abs, aerr := filepath.Abs(configFile); aerr == nil {
			configFile = abs
		}
	}
	return stack.PulumiCLI{Dir: project, Stack: f.stack, ConfigFile: configFile}, err
}
