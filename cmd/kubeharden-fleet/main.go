package main

import (
	"io"
	"os"

	"github.com/kubeharden/kubeharden/cmd/internal/cli"
)

// usageError is a usage or input error (exit 2); outcome ends a command that ran to its end with code.
func usageError(err error) error { return cli.UsageError{Err: err} }
func outcome(code int) error     { return cli.Outcome{Code: code} }

var noArgs = cli.NoArgs

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line args and returns the process's exit code (cli.Run).
func run(args []string, stdout, stderr io.Writer) int {
	return cli.Run(newFleetCommand(), "kubeharden fleet", args, stdout, stderr)
}
