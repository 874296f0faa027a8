package auditserve

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// ErrFull is Append's answer when the queue holds its bound: nothing of the batch was added.
var ErrFull = errors.New("the queue is full")

// queue is a durable queue of lines on disk: a file the lines are appended to (each batch written and
// synced before Append returns) and a file holding how far the reader has acknowledged. A queue the
// reader has caught up with is emptied. It survives the process: reopened, it gives the lines after the
// last acknowledgement again (at least once). One writer and one reader at a time.
type queue struct {
	mu       sync.Mutex
	data     *os.File
	offPath  string
	size     int64
	acked    int64
	maxBytes int64
	ready    chan struct{} // signalled after each append
}

// openQueue opens (creating it) the queue called name in dir, bounded to maxBytes of lines not yet
// acknowledged.
func openQueue(dir, name string, maxBytes int64) (*queue, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, name+".jsonl"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	size, err := completeLines(f, st.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	q := &queue{data: f, offPath: filepath.Join(dir, name+".offset"), size: size, maxBytes: maxBytes, ready: make(chan struct{}, 1)}
	if raw, err := os.ReadFile(q.offPath); err == nil {
		if q.acked, err = strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 64); err != nil || q.acked < 0 {
			f.Close()
			return nil, fmt.Errorf("%s: not an offset into %s: %q", q.offPath, f.Name(), raw)
		}
		if q.acked > q.size { // emptied after everything was acknowledged, before the offset was written
			q.acked = 0
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		f.Close()
		return nil, err
	}
	if q.size > q.acked {
		q.signal()
	}
	return q, nil
}

// completeLines cuts f (size bytes) after its last newline: a line cut short is one a crash stopped while
// it was written, whose batch was never answered (and is sent again).
func completeLines(f *os.File, size int64) (int64, error) {
	end := size
	buf := make([]byte, 4096)
	for end > 0 {
		n := min(int64(len(buf)), end)
		if _, err := f.ReadAt(buf[:n], end-n); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			end = end - n + int64(i) + 1
			break
		}
		end -= n
	}
	if end != size {
		if err := f.Truncate(end); err != nil {
			return 0, err
		}
	}
	return end, nil
}

func (q *queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// Append writes lines (each without its newline) to the end of the queue and syncs them to disk: when
// it returns nil they survive a crash. ErrFull when they would take the queue past its bound.
func (q *queue) Append(lines [][]byte) error {
	var buf bytes.Buffer
	for _, l := range lines {
		buf.Write(l)
		buf.WriteByte('\n')
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.size-q.acked+int64(buf.Len()) > q.maxBytes {
		return ErrFull
	}
	if _, err := q.data.WriteAt(buf.Bytes(), q.size); err != nil {
		return err
	}
	if err := q.data.Sync(); err != nil {
		return err
	}
	q.size += int64(buf.Len())
	q.signal()
	return nil
}

// Read returns up to max lines after the last acknowledgement, and the offset that acknowledges them.
func (q *queue) Read(max int) (lines [][]byte, next int64, err error) {
	q.mu.Lock()
	start, end := q.acked, q.size
	q.mu.Unlock()
	r := bufio.NewReaderSize(io.NewSectionReader(q.data, start, end-start), 64<<10)
	next = start
	for len(lines) < max {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			break // a line without its newline is one being written: not yet
		}
		if err != nil {
			return nil, start, err
		}
		next += int64(len(line))
		lines = append(lines, line[:len(line)-1])
	}
	return lines, next, nil
}

// Ack records that the lines before next are done, durably; a queue left with nothing after it is
// emptied.
func (q *queue) Ack(next int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if next == q.size {
		if err := q.data.Truncate(0); err != nil {
			return err
		}
		q.size, next = 0, 0
	}
	if err := writeFileSync(q.offPath, []byte(strconv.FormatInt(next, 10))); err != nil {
		return err
	}
	q.acked = next
	return nil
}

// Pending is how many bytes of lines are not yet acknowledged.
func (q *queue) Pending() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.size - q.acked
}

func (q *queue) Close() error { return q.data.Close() }

// writeFileSync replaces path with data through a synced temporary file and a rename.
func writeFileSync(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
