package main

import (
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/cmd/internal/cli"
	"github.com/kubeharden/kubeharden/stack"
)

// usageError is a usage or input error (exit 2); outcome ends a command that ran to its end with code.
func usageError(err error) error { return cli.UsageError{Err: err} }
func outcome(code int) error     { return cli.Outcome{Code: code} }

func main() {
	// A run is short and allocates most of what it reads: collect garbage a quarter as often as Go's
	// default, within a soft limit far under the 300 MB a check may take (GOGC and GOMEMLIMIT still win).
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(200 << 20)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line args and returns the process's exit code (cli.Run): 0 when the command
// passed, the outcome's code when it ran to its end without passing (a failing check is 1), 2 for a
// usage or input error, 1 for any other error.
func run(args []string, stdout, stderr io.Writer) int {
	return cli.Run(newRootCommand(), "kubeharden", args, stdout, stderr)
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{Use: "kubeharden", Short: "Harden a Kubernetes cluster from its first minute"}
	root.AddCommand(newPKICommand(), newEncryptionKeyCommand(), newRewriteSecretsCommand(), newCheckCommand(), newReportCommand(), newFilesCommand(), newFleetCommand(), newAuditCommand(), newDetectionsCommand(), newMonitoringCommand(), newVersionCommand())
	// --version prints what `kubeharden version` prints, read only when asked (the catalog and the build
	// information are not start-up work).
	root.Version = "set"
	cobra.AddTemplateFunc("aboutText", func() string { return readAbout().text() })
	root.SetVersionTemplate("{{aboutText}}")
	return root
}

// noArgs refuses positional arguments as a usage error (exit 2), where cobra.NoArgs would exit 1.
var noArgs = cli.NoArgs

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
