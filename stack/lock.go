package stack

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockSettings takes an exclusive lock on the stack's settings for a read, change and write of them (a
// new PKI, an encryption-key rotation step), so that two such commands at once take turns instead of
// the later one overwriting what the earlier one stored; it waits while another holds it. The lock is
// a file under the user's cache folder, named for the project, the stack and the settings file, so
// that nothing is written beside the project.
func (p PulumiCLI) lockSettings() (unlock func(), err error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "kubeharden", "locks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("locking the stack settings: %w", err)
	}
	project, _ := filepath.Abs(p.Dir)
	sum := sha256.Sum256([]byte(project + "\x00" + p.Stack + "\x00" + p.ConfigFile))
	f, err := os.OpenFile(filepath.Join(dir, hex.EncodeToString(sum[:8])+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking the stack settings: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking the stack settings: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
