package pulumitest

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A command that leaves a child holding its output open ends when the command does: the child is killed
// with the group, and Wait does not wait for it.
func TestACommandEndsThoughItsChildHoldsItsOutput(t *testing.T) {
	start := time.Now()
	out, err := CommandCombinedOutput(exec.Command("bash", "-c", "sleep 300 & echo started"))
	require.NoError(t, err)
	assert.Equal(t, "started\n", string(out))
	assert.Less(t, time.Since(start), 30*time.Second, "the child's sleep was not waited for")
}

// A command that does not end by its timeout is killed, with its children, and says so.
func TestACommandThatHangsIsKilledAndSaysSo(t *testing.T) {
	cmd := exec.Command("bash", "-c", "sleep 300 & sleep 300")
	var out strings.Builder
	cmd.Stdout = &out
	start := time.Now()
	wait, err := startCommand(cmd, time.Second)
	require.NoError(t, err)
	err = wait()
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrCommandTimedOut), "%v", err)
	assert.Contains(t, err.Error(), "bash -c sleep 300 & sleep 300")
	assert.Less(t, time.Since(start), 30*time.Second)
}
