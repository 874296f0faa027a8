package limitread

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAFileOfTheLimitIsReadAndOneByteMoreIsNot: the limit is inclusive; a byte over is a TooLargeError,
// and a file that does not exist is the operating system's error.
func TestAFileOfTheLimitIsReadAndOneByteMoreIsNot(t *testing.T) {
	dir := t.TempDir()
	at, over := filepath.Join(dir, "at"), filepath.Join(dir, "over")
	require.NoError(t, os.WriteFile(at, []byte(strings.Repeat("x", 100)), 0o600))
	require.NoError(t, os.WriteFile(over, []byte(strings.Repeat("x", 101)), 0o600))

	data, err := File(at, 100)
	require.NoError(t, err)
	assert.Len(t, data, 100)

	_, err = File(over, 100)
	var tooLarge *TooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, int64(100), tooLarge.Limit)
	assert.Contains(t, err.Error(), "larger than 100 bytes")

	_, err = File(filepath.Join(dir, "missing"), 100)
	assert.True(t, errors.Is(err, os.ErrNotExist), "%v", err)
}

// TestAFileThatReportsNoSizeIsStillBounded: /proc files report size 0 and hold more; the limit holds
// on what is read, not on what Stat says.
func TestAFileThatReportsNoSizeIsStillBounded(t *testing.T) {
	fi, err := os.Stat("/proc/self/status")
	if err != nil || fi.Size() != 0 {
		t.Skip("no /proc file of size 0 here")
	}
	_, err = File("/proc/self/status", 10)
	var tooLarge *TooLargeError
	assert.ErrorAs(t, err, &tooLarge)
	data, err := File("/proc/self/status", 1<<20)
	require.NoError(t, err)
	assert.Contains(t, string(data), "Name:")
}

// TestIntoReusesTheBuffer: a buffer with room is filled in place, not replaced.
func TestIntoReusesTheBuffer(t *testing.T) {
	at := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(at, []byte("hello"), 0o600))
	buf := make([]byte, 0, 4096)
	data, err := Into(buf, at, 100)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(data))
	assert.Equal(t, &buf[:1][0], &data[0], "read into the buffer's room")
}
