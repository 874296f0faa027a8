package fleet

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// buildProgram builds the project's Pulumi program once, into dir, for every cluster's workspace to run
// (the Go language host would otherwise build it again for each cluster: about 8 s of CPU each).
func buildProgram(ctx context.Context, projectDir string, project workspace.Project, dir string) (string, error) {
	main := project.Main
	if main == "" {
		main = "."
	}
	out := filepath.Join(dir, "kubeharden-stack")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./"+filepath.Clean(main))
	cmd.Dir = projectDir
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the program of %s (go build ./%s): %w\n%s", projectDir, main, err, msg)
	}
	return out, nil
}

// shimMain is a Go program that runs another program in its place: the same arguments, environment and
// standard streams, and its exit code. The language host builds it in a second (it imports only the
// standard library), where the kubeharden program takes several.
const shimMain = `package main

import (
	"errors"
	"os"
	"os/exec"
)

func main() {
	cmd := exec.Command(%s, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}
`

// writeShim makes dir a Go program that runs program (shimMain), for a workspace whose project is the
// kubeharden project with dir as its program.
func writeShim(dir, program string) error {
	for file, content := range map[string]string{
		"go.mod":  "module kubeharden-fleet-shim\n\ngo 1.22\n",
		"main.go": fmt.Sprintf(shimMain, strconv.Quote(program)),
	} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}
