package testenv

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// CIEnv is the variable CI sets: where it is set, nothing a test needs may be missing.
const CIEnv = "CI"

// InCI is true when the tests run in CI.
func InCI() bool { return os.Getenv(CIEnv) != "" }

// Unavailable ends a test whose tool or data (what) is missing: skipped outside CI with the remedy, failed
// in CI, where a skip would read as a pass.
func Unavailable(t testing.TB, what, remedy string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s: CI must have it (%s)", what, remedy)
	}
	t.Skipf("%s: %s", what, remedy)
}

// RepoRoot is the repository's root folder.
func RepoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("testenv: cannot locate the repository root")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// CorpusDir is where the real-world corpus is: shared/corpus beside the repository (see its README).
func CorpusDir() string { return filepath.Join(RepoRoot(), "..", "shared", "corpus") }

// Corpus is the real-world corpus's folder, or ends the test as Unavailable where it is absent.
func Corpus(t testing.TB) string {
	t.Helper()
	dir := CorpusDir()
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		Unavailable(t, "the real-world corpus is not at "+dir, "it is shared/corpus beside the repository")
	}
	return dir
}
