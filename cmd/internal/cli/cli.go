package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/report"
)

// UsageError is a usage or input error: the command exits report.ExitInput for it.
type UsageError struct{ Err error }

func (u UsageError) Error() string { return u.Err.Error() }
func (u UsageError) Unwrap() error { return u.Err }

// Outcome is how a command ended that ran to its end but whose result is not a pass, such as a failing
// check: the process exits with Code, and nothing more is printed.
type Outcome struct{ Code int }

func (o Outcome) Error() string { return fmt.Sprintf("exit %d", o.Code) }

// Run runs root with the command line args and returns the process's exit code: report.ExitPass when the
// command passed, the Outcome's code when it ran to its end without passing, report.ExitInput for a usage or
// input error (a flag that is unknown or of the wrong type, an unknown command), report.ExitFail for any other
// error, which is printed after name.
func Run(root *cobra.Command, name string, args []string, stdout, stderr io.Writer) int {
	root.SilenceUsage, root.SilenceErrors = true, true
	// A flag that is unknown or of the wrong type is a usage error, for every command.
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return UsageError{fmt.Errorf("%s: %w", c.CommandPath(), err)} })
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	var end Outcome
	switch {
	case err == nil:
		return report.ExitPass
	case errors.As(err, &end):
		return end.Code
	default:
		fmt.Fprintln(stderr, name+":", err)
		var usage UsageError
		if errors.As(err, &usage) || cmd == root { // a flag error, or an unknown command
			return report.ExitInput
		}
		return report.ExitFail
	}
}

// NoArgs refuses positional arguments as a usage error (exit 2), where cobra.NoArgs would exit 1.
func NoArgs(c *cobra.Command, args []string) error {
	if err := cobra.NoArgs(c, args); err != nil {
		return UsageError{err}
	}
	return nil
}

// SiblingExecutable is the path of name in the folder of the running executable.
func SiblingExecutable(name string) string {
	self, err := os.Executable()
	if err != nil {
		return name
	}
	return filepath.Join(filepath.Dir(self), name)
}

// FindExecutable is the executable name next to the running one, else on PATH; an error says where it
// was looked for.
func FindExecutable(name string) (string, error) {
	if p := SiblingExecutable(name); isExecutable(p) {
		return p, nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s is neither next to this executable (%s) nor on PATH", name, filepath.Dir(SiblingExecutable(name)))
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}
