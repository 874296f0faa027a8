package manifests

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/controls/manifests/internal/yamldocs"
	"github.com/kubeharden/kubeharden/tests/testenv"
)

func writeNamespace(t *testing.T, path, name string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "+name+"\n"), 0o644))
}

func keys(tree Tree) []string {
	var out []string
	for _, o := range tree.Objects {
		out = append(out, o.Key())
	}
	return out
}

// TestReadTreeFollowsLinks: a folder or a file given through a symbolic link, or found through one, is
// read as kubectl reads it; a file reached twice is read once; a loop is an error of its own and the rest
// is still read.
func TestReadTreeFollowsLinks(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "real")
	writeNamespace(t, filepath.Join(real, "a.yaml"), "a")
	writeNamespace(t, filepath.Join(base, "other", "b.yml"), "b")
	require.NoError(t, os.Symlink(real, filepath.Join(base, "linked-dir")))
	require.NoError(t, os.Symlink(filepath.Join(real, "a.yaml"), filepath.Join(base, "linked-file.yaml")))

	t.Run("a linked folder", func(t *testing.T) {
		tree := ReadTree(filepath.Join(base, "linked-dir"))
		assert.Empty(t, tree.Errors)
		assert.Equal(t, []string{"Namespace/a"}, keys(tree))
	})
	t.Run("a linked file", func(t *testing.T) {
		tree := ReadTree(filepath.Join(base, "linked-file.yaml"))
		assert.Empty(t, tree.Errors)
		assert.Equal(t, []string{"Namespace/a"}, keys(tree))
	})
	t.Run("links inside a folder, and a loop", func(t *testing.T) {
		require.NoError(t, os.Symlink(filepath.Join(base, "other"), filepath.Join(real, "to-other")))
		require.NoError(t, os.Symlink(real, filepath.Join(real, "loop")))
		t.Cleanup(func() { _ = os.Remove(filepath.Join(real, "to-other")); _ = os.Remove(filepath.Join(real, "loop")) })
		tree := ReadTree(base)
		assert.ElementsMatch(t, []string{"Namespace/a", "Namespace/b"}, keys(tree), "each file once, however many links lead to it")
		require.Len(t, tree.Errors, 1)
		assert.Equal(t, "loop", filepath.Base(tree.Errors[0].Path))
		assert.Contains(t, tree.Errors[0].Err, "a symbolic link loop")
	})
	t.Run("a broken link", func(t *testing.T) {
		dir := t.TempDir()
		writeNamespace(t, filepath.Join(dir, "c.yaml"), "c")
		require.NoError(t, os.Symlink(filepath.Join(dir, "gone.yaml"), filepath.Join(dir, "broken.yaml")))
		tree := ReadTree(dir)
		assert.Equal(t, []string{"Namespace/c"}, keys(tree))
		require.Len(t, tree.Errors, 1)
		assert.Contains(t, tree.Errors[0].Err, "a symbolic link to")
	})
}

// TestReadTreeNothingToCheck: a path that yields no document at all is an error, never a clean run.
func TestReadTreeNothingToCheck(t *testing.T) {
	empty := t.TempDir()
	others := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(others, "README.md"), []byte("# not a manifest\n"), 0o644))
	emptyFile := filepath.Join(t.TempDir(), "empty.yaml")
	require.NoError(t, os.WriteFile(emptyFile, []byte("# only a comment\n---\n"), 0o644))
	good := t.TempDir()
	writeNamespace(t, filepath.Join(good, "a.yaml"), "a")

	tree := ReadTree(empty, others, emptyFile, good, filepath.Join(good, "missing"))
	assert.Equal(t, []string{"Namespace/a"}, keys(tree))
	var got []FileError
	for _, e := range tree.Errors {
		got = append(got, FileError{Path: e.Path, Err: e.Err})
	}
	assert.Equal(t, filepath.Join(good, "missing"), got[0].Path, "what cannot be listed comes first")
	assert.Contains(t, got[0].Err, "no such file or directory")
	assert.Equal(t, []FileError{{Path: empty, Err: NothingToCheck}, {Path: others, Err: NothingToCheck}, {Path: emptyFile, Err: NothingToCheck}}, got[1:])
}

// TestReadTreeRefusesKindsItCannotJudge: a kind a control judges, under an API version the catalog cannot
// read, is an error with its line; the same kind under its version, and kinds no control inspects under
// any version, are not.
func TestReadTreeRefusesKindsItCannotJudge(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "old.yaml")
	require.NoError(t, os.WriteFile(path, []byte(
		"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n---\n"+
			"apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: old\n  namespace: team\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.27\n        securityContext: {privileged: true}\n---\n"+
			"apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRole\nmetadata:\n  name: old\nrules: []\n---\n"+
			"apiVersion: apps/v1beta2\nkind: ControllerRevision\nmetadata:\n  name: rev\n"), 0o644))
	tree := ReadTree(dir)
	assert.Equal(t, []string{"Namespace/team"}, keys(tree))
	assert.Equal(t, 1, tree.Skipped, "the ControllerRevision: no control judges it")
	require.Len(t, tree.Errors, 2)
	assert.Equal(t, FileError{Path: path, Line: 6, Err: "document 2: extensions/v1beta1 Deployment: kubeharden judges Deployment only as apps/v1, the version current Kubernetes serves (this one is removed or pre-release); write it as apps/v1"}, tree.Errors[0])
	assert.Equal(t, 19, tree.Errors[1].Line)
	assert.Contains(t, tree.Errors[1].Err, "judges ClusterRole only as rbac.authorization.k8s.io/v1")
}

// TestObjectsCarryTheirLines: each object is located at the first line of its document's content, and a
// List's items at their own dashes.
func TestObjectsCarryTheirLines(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(
		"# a comment\n\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n# b\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n---\n"+
			"apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Namespace\n    metadata:\n      name: c\n  - apiVersion: v1\n    kind: Namespace\n    metadata: {name: d}\n"), 0o644))
	tree := ReadTree(dir)
	require.Empty(t, tree.Errors)
	lines := map[string]int{}
	for _, o := range tree.Objects {
		lines[o.Name] = o.Line
	}
	assert.Equal(t, map[string]int{"a": 3, "b": 9, "c": 17, "d": 21}, lines)
}

// FuzzDecodeFile: whatever a file holds, reading it does not crash or hang, every document with content
// is an object, a config, a skipped kind or an error, and every error of a document names a line of the
// file.
func FuzzDecodeFile(f *testing.F) {
	for _, doc := range yamldocs.Corpus(f) {
		if len(doc) < 4096 {
			f.Add(doc)
		}
	}
	f.Add([]byte("apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d}\n---\n- a\n---\nkind: [\n"))
	f.Add([]byte("apiVersion: extensions/v1beta1\nkind: DaemonSet\nmetadata:\n  name: x\n--- # c\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := decodeFile("f.yaml", data)
		if r.err != nil {
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, e := range r.docErrors {
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("error at line %d of a %d-line file: %+v", e.Line, lines, e)
			}
		}
		docs, err := splitDocuments(data)
		if err != nil {
			t.Fatalf("decodeFile split what splitDocuments refuses: %v", err)
		}
		withContent := 0
		for _, d := range docs {
			if len(bytes.Trim(d.data, yamlWhitespace)) == 0 {
				continue // blank: spaces, tabs and line breaks only (YAML's parser refuses a lone tab; it holds nothing)
			}
			var top any
			if yaml.Unmarshal(d.data, &top) == nil && top == nil {
				continue // empty, or comments only
			}
			if m, ok := top.(map[string]any); ok && m["kind"] == "List" {
				continue // a List may hold no items
			}
			withContent++
		}
		got := len(r.objs) + len(r.configs) + len(r.docErrors)
		for _, n := range r.skipped {
			got += n
		}
		if got < withContent {
			t.Fatalf("%d documents with content, but only %d objects, configs, skipped kinds and errors:\n%q", withContent, got, data)
		}
	})
}

// TestCorpusReadsAsTheGeneralPath: over ten real projects' release bundles, the head scan and the fast
// reader give exactly what sigs.k8s.io/yaml and the unstructured converter give: the same objects, the
// same skipped kinds, the same errors (the corpus: testenv.Corpus).
func TestCorpusReadsAsTheGeneralPath(t *testing.T) {
	dir := testenv.Corpus(t)
	fast := ReadTree(dir)
	fastErrors := append(fast.Errors, DeferredErrors(fast.Objects)...)
	useHeadScan, useBlockReader = false, false
	defer func() { useHeadScan, useBlockReader = true, true }()
	general := ReadTree(dir)
	assert.Equal(t, keys(general), keys(fast))
	assert.Equal(t, general.SkippedKinds, fast.SkippedKinds)
	assert.Equal(t, len(general.Configs), len(fast.Configs))
	assert.ElementsMatch(t, errorDocuments(general.Errors), errorDocuments(fastErrors))
	assert.Greater(t, fast.Skipped, 600)
}
