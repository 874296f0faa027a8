package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUnavailableFailsInCI runs a test that calls Unavailable in a child process, with and without CI
// set: outside CI it is skipped, in CI it fails, naming what is missing.
func TestUnavailableFailsInCI(t *testing.T) {
	if os.Getenv("TESTENV_CHILD") != "" {
		Unavailable(t, "the frobnicator", "run `make frob`")
		return
	}
	run := func(ci string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestUnavailableFailsInCI$", "-test.v")
		env := []string{"TESTENV_CHILD=1"}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, CIEnv+"=") {
				env = append(env, kv)
			}
		}
		if ci != "" {
			env = append(env, CIEnv+"="+ci)
		}
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("")
	require.NoError(t, err, out)
	assert.Contains(t, out, "--- SKIP")
	assert.Contains(t, out, "the frobnicator: run `make frob`")

	out, err = run("true")
	require.Error(t, err, out)
	assert.Contains(t, out, "--- FAIL")
	assert.Contains(t, out, "the frobnicator: CI must have it (run `make frob`)")
}

func TestRepoRootHoldsTheModule(t *testing.T) {
	data, err := os.ReadFile(RepoRoot() + "/go.mod")
	require.NoError(t, err)
	assert.Contains(t, string(data), "module github.com/kubeharden/kubeharden\n")
}
