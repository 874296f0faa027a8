package limitread

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// TooLargeError is a file larger than the limit it was read with.
type TooLargeError struct {
	// Size is what the file holds, as far as it was read: more than Limit.
	Size, Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("larger than %d bytes (%d or more)", e.Limit, e.Size)
}

// File reads the file name of at most limit bytes.
func File(name string, limit int64) ([]byte, error) {
	data, err := Into(nil, name, limit)
	if err != nil {
		return nil, err
	}
	return data, nil
}

// Into reads the file name of at most limit bytes into buf's room (growing it when it is too small) and
// returns what it read, for a caller that reads many files with one buffer. On an error it returns buf
// emptied, to be used again.
func Into(buf []byte, name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return buf[:0], err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return buf[:0], err
	}
	if fi.Size() > limit {
		return buf[:0], &TooLargeError{Size: fi.Size(), Limit: limit}
	}
	// Read to the end, as a file may have grown since Stat or report no size (as /proc does), but no
	// further than limit and one byte.
	b := bytes.NewBuffer(buf[:0])
	b.Grow(int(fi.Size()) + bytes.MinRead)
	if _, err := b.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return b.Bytes()[:0], err
	}
	if int64(b.Len()) > limit {
		return b.Bytes()[:0], &TooLargeError{Size: int64(b.Len()), Limit: limit}
	}
	return b.Bytes(), nil
}
