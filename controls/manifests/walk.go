package manifests

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// manifestFile is a file to read and the input path (as the user named it) it was found under.
type manifestFile struct {
	path string
	root int
}

// IsManifestName is true for the file names a folder walk reads: .yaml, .yml and .json.
func IsManifestName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// listFiles finds the files to read under the input paths. A file named directly is read whatever its
// name; a folder is walked for .yaml, .yml and .json files. Symbolic links are followed, to files and to
// folders, as kubectl follows them; a link back to a folder being walked is a loop, reported as an error
// for the link, and a file or folder reached twice (through a link and directly) is read once. Whatever cannot be
// listed (a broken link, a folder that may not be opened) is an error of its own, and the rest is still
// listed.
func listFiles(paths []string) ([]manifestFile, []FileError) {
	w := walker{seen: map[string]bool{}}
	for i, root := range paths {
		w.root = i
		w.visit(root, true, nil)
	}
	return w.files, w.errs
}

type walker struct {
	root  int
	files []manifestFile
	errs  []FileError
	seen  map[string]bool // real paths of the files and folders listed
}

// visit lists path: named is true for an input path itself; ancestors are the real paths of the folders
// being walked above it.
func (w *walker) visit(path string, named bool, ancestors []string) {
	fi, err := os.Stat(path) // follows links
	if err != nil {
		if lfi, lerr := os.Lstat(path); lerr == nil && lfi.Mode()&os.ModeSymlink != 0 {
			target, _ := os.Readlink(path)
			w.fail(path, fmt.Errorf("a symbolic link to %s, which cannot be read: %w", target, err))
			return
		}
		w.fail(path, err)
		return
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		w.fail(path, err)
		return
	}
	if real, err = filepath.Abs(real); err != nil {
		w.fail(path, err)
		return
	}
	if !fi.IsDir() {
		if !fi.Mode().IsRegular() && !named {
			return // sockets, devices and pipes found in a folder are not manifests
		}
		if !named && !IsManifestName(path) {
			return
		}
		if w.seen[real] {
			return
		}
		w.seen[real] = true
		w.files = append(w.files, manifestFile{path: path, root: w.root})
		return
	}
	if slices.Contains(ancestors, real) {
		w.fail(path, fmt.Errorf("a symbolic link loop: it leads back to %s, a folder being read", real))
		return
	}
	if w.seen[real] {
		return // a folder reached again through a link: its files are listed already
	}
	w.seen[real] = true
	entries, err := os.ReadDir(path)
	if err != nil {
		w.fail(path, err)
		return
	}
	ancestors = append(ancestors, real)
	for _, e := range entries {
		w.visit(filepath.Join(path, e.Name()), false, ancestors)
	}
}

func (w *walker) fail(path string, err error) {
	w.errs = append(w.errs, FileError{Path: path, Err: err.Error()})
}
