package auditserve

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lines(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, x := range s {
		out[i] = []byte(x)
	}
	return out
}

// TestTheQueueKeepsWhatIsNotAcknowledged: lines appended are read in order; what is acknowledged is not
// read again, what is not is read again after the queue is reopened (a crash); a queue caught up with
// is emptied; a batch past the bound is refused whole.
func TestTheQueueKeepsWhatIsNotAcknowledged(t *testing.T) {
	dir := t.TempDir()
	q, err := openQueue(dir, "events", 20)
	require.NoError(t, err)
	require.NoError(t, q.Append(lines("a1", "b2")))
	require.NoError(t, q.Append(lines("c3")))
	got, next, err := q.Read(2)
	require.NoError(t, err)
	assert.Equal(t, lines("a1", "b2"), got)
	require.NoError(t, q.Ack(next))
	assert.ErrorIs(t, q.Append(lines("0123456789", "0123456789")), ErrFull, "3 bytes pending and 22 more pass 20")
	require.NoError(t, q.Close())

	q, err = openQueue(dir, "events", 20)
	require.NoError(t, err)
	got, next, err = q.Read(10)
	require.NoError(t, err)
	assert.Equal(t, lines("c3"), got, "reopened: what was not acknowledged, and only it")
	require.NoError(t, q.Ack(next))
	st, err := os.Stat(filepath.Join(dir, "events.jsonl"))
	require.NoError(t, err)
	assert.Zero(t, st.Size(), "caught up: emptied")
	require.NoError(t, q.Append(lines("d4")))
	got, _, err = q.Read(10)
	require.NoError(t, err)
	assert.Equal(t, lines("d4"), got)
	require.NoError(t, q.Close())

	// Emptied, then stopped before the offset was written: the offset is past the end, read as 0.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "events.offset"), []byte("999"), 0o600))
	q, err = openQueue(dir, "events", 20)
	require.NoError(t, err)
	got, _, err = q.Read(10)
	require.NoError(t, err)
	assert.Equal(t, lines("d4"), got)
	require.NoError(t, q.Close())

	require.NoError(t, os.WriteFile(filepath.Join(dir, "events.offset"), []byte("x"), 0o600))
	_, err = openQueue(dir, "events", 20)
	assert.ErrorContains(t, err, "not an offset")
}

// TestALineCutShortByACrashIsDropped: reopened, a queue whose last line has no newline (a write a crash
// stopped; its batch was never answered, so the API server sends it again) loses that line, and what is
// appended after it reads whole.
func TestALineCutShortByACrashIsDropped(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "events.jsonl"), []byte("done\nhalf"), 0o600))
	q, err := openQueue(dir, "events", 1<<20)
	require.NoError(t, err)
	defer q.Close()
	require.NoError(t, q.Append(lines("next")))
	got, next, err := q.Read(10)
	require.NoError(t, err)
	assert.Equal(t, lines("done", "next"), got)
	assert.Equal(t, int64(10), next)
}
