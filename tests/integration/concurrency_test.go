package integration

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/stack"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// result is what one of several commands run at once printed and whether it failed.
type result struct {
	out string
	err error
}

// atOnce runs every command at the same time and returns their results in order.
func atOnce(cmds ...*exec.Cmd) []result {
	results := make([]result, len(cmds))
	var start, done sync.WaitGroup
	start.Add(1)
	for i, cmd := range cmds {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			out, err := cmd.CombinedOutput()
			results[i] = result{string(out), err}
		}()
	}
	start.Done()
	done.Wait()
	return results
}

// Two `pulumi up` of the same stack at once: the backend's lock refuses the second, the first
// completes, and the state is whole (nothing pending, and a preview finds nothing to change).
func TestTwoUpdatesOfOneStackAtOnce(t *testing.T) {
	ws := pulumitest.NewWorkspace(t, stack.RenderDirEnv+"="+filepath.Join(t.TempDir(), "render"))
	ws.MustRun("stack", "init", "dev", "--non-interactive")
	ws.GenerateStackSecrets("dev")
	bin := ws.Bin()
	up := func() *exec.Cmd {
		cmd := exec.Command(bin, "up", "--yes", "--stack", "dev", "--non-interactive", "--config-file", ws.ConfigFile)
		cmd.Dir, cmd.Env = ws.Dir, ws.Env()
		return cmd
	}
	results := atOnce(up(), up())
	var refused, applied int
	for _, r := range results {
		switch {
		case r.err == nil:
			applied++
		case strings.Contains(r.out, "the stack is currently locked"):
			refused++
		default:
			t.Errorf("pulumi up failed otherwise:\n%s", r.out)
		}
	}
	assert.Equal(t, 1, applied, "one update applies")
	assert.Equal(t, 1, refused, "the other is refused by the lock")

	assert.Empty(t, ws.State("dev").Deployment.Pending, "operations left pending")
	ws.MustRun("preview", "--expect-no-changes", "--stack", "dev", "--non-interactive")
}

// `kubeharden pki init` twice at once: the settings lock makes them take turns, so one stores a PKI and
// the other finds it there (instead of both reporting a PKI of which only one was kept). Two rotation
// steps at once both land: neither key is lost.
func TestStackSettingsCommandsAtOnce(t *testing.T) {
	ws := pulumitest.NewWorkspace(t)
	ws.MustRun("stack", "init", "dev", "--non-interactive")
	data, err := os.ReadFile(filepath.Join(ws.Dir, "stacks", "Pulumi.dev.yaml"))
	require.NoError(t, err)
	ws.ConfigFile = filepath.Join(t.TempDir(), "Pulumi.dev.yaml")
	require.NoError(t, os.WriteFile(ws.ConfigFile, data, 0o600))
	kubeharden := pulumitest.BuildCLI(t)
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(kubeharden, append(args, "--stack", "dev", "--config-file", ws.ConfigFile)...)
		cmd.Dir, cmd.Env = ws.Dir, ws.Env()
		return cmd
	}

	results := atOnce(run("pki", "init"), run("pki", "init"))
	var stored, found int
	for _, r := range results {
		switch {
		case r.err == nil && strings.Contains(r.out, "stored a new PKI"):
			stored++
		case r.err != nil && strings.Contains(r.out, "kubeharden:pki is already set"):
			found++
		default:
			t.Errorf("pki init: %v\n%s", r.err, r.out)
		}
	}
	assert.Equal(t, 1, stored)
	assert.Equal(t, 1, found)

	out, err := run("encryption-key", "init", "--name", "first").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, r := range atOnce(run("encryption-key", "add", "--name", "second"), run("encryption-key", "add", "--name", "third")) {
		require.NoError(t, r.err, "%s", r.out)
	}
	var keys []controlplane.EncryptionKey
	require.NoError(t, json.Unmarshal([]byte(ws.MustRun("config", "get", "kubeharden:encryptionKeys", "--stack", "dev")), &keys))
	names := []string{}
	for _, k := range keys {
		names = append(names, k.Name)
	}
	assert.Equal(t, "first", names[0], "the encrypting key stays first")
	assert.ElementsMatch(t, []string{"first", "second", "third"}, names, "no key was lost")
	ws.MustRun("config", "get", "kubeharden:pki", "--stack", "dev") // the settings file is whole
}
