package pulumitest

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// CommandTimeout bounds each command a test runs through StartCommand (every pulumi, kubeharden and
// script run of this package): one that has not finished by then is killed, with every process it
// started, and fails its own test with what it printed, instead of hanging until the package's
// `go test -timeout` ends every test at once and prints only goroutines. It is longer than any command
// of the suite takes (a `pulumi up` of the cluster stack, a fleet of three) and than the kubernetes
// provider's own ten-minute await, so that a slow await still reports itself.
const CommandTimeout = 12 * time.Minute

// ErrCommandTimedOut marks the error of a command killed at CommandTimeout.
var ErrCommandTimedOut = errors.New("did not finish in time and was killed with every process it started")

// StartCommand starts cmd in a process group of its own and returns the function that waits for it.
// The group is killed at CommandTimeout, and again when the command has ended, so that nothing it left
// behind (a plugin, a program) keeps running; output a leftover still holds open ten seconds after the
// command ended is given up on, and the command's own result stands.
func StartCommand(cmd *exec.Cmd) (wait func() error, err error) {
	return startCommand(cmd, CommandTimeout)
}

func startCommand(cmd *exec.Cmd, timeout time.Duration) (wait func() error, err error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	group := -cmd.Process.Pid
	var timedOut atomic.Bool
	timer := time.AfterFunc(timeout, func() {
		timedOut.Store(true)
		_ = syscall.Kill(group, syscall.SIGKILL)
	})
	return func() error {
		err := cmd.Wait()
		timer.Stop()
		_ = syscall.Kill(group, syscall.SIGKILL)
		if errors.Is(err, exec.ErrWaitDelay) {
			err = nil // the command succeeded; what it left holding its output is killed above
		}
		if timedOut.Load() {
			return fmt.Errorf("%s: %w after %s (%v)", strings.Join(cmd.Args, " "), ErrCommandTimedOut, timeout, err)
		}
		return err
	}, nil
}

// RunCommand runs cmd to its end through StartCommand.
func RunCommand(cmd *exec.Cmd) error {
	wait, err := StartCommand(cmd)
	if err != nil {
		return err
	}
	return wait()
}

// CommandOutput runs cmd through RunCommand and returns its standard output (standard error is kept in
// the error of a command that failed, as exec.Cmd.Output does).
func CommandOutput(cmd *exec.Cmd) ([]byte, error) {
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := RunCommand(cmd)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		exit.Stderr = errOut.Bytes()
	}
	return out.Bytes(), err
}

// CommandCombinedOutput runs cmd through RunCommand and returns its standard output and standard error
// together.
func CommandCombinedOutput(cmd *exec.Cmd) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := RunCommand(cmd)
	return out.Bytes(), err
}
