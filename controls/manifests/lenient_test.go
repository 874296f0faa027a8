package manifests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unreadableDirEnv tells a copy of this test binary, run as another user, to read the folder it names.
const unreadableDirEnv = "KUBEHARDEN_TEST_UNREADABLE_DIR"

// treeSummary is what the copy reports of its ReadTree.
type treeSummary struct {
	Keys   []string
	Errors []FileError
}

// TestReadTreeReportsAFolderItCannotRead: a folder it may not open is an error of its own, and the files
// beside it are still read. Root may open any folder, so when the tests run as root a copy of this test
// binary reads the tree as the unprivileged user 65534.
func TestReadTreeReportsAFolderItCannotRead(t *testing.T) {
	if dir := os.Getenv(unreadableDirEnv); dir != "" {
		tree := ReadTree(dir)
		s := treeSummary{Errors: tree.Errors}
		for _, o := range tree.Objects {
			s.Keys = append(s.Keys, o.Key())
		}
		out, err := json.Marshal(s)
		require.NoError(t, err)
		os.Stdout.WriteString("\nRESULT " + string(out) + "\n")
		return
	}

	// Folders every user may enter: the copy runs as another user.
	base, err := os.MkdirTemp("", "kubeharden-unreadable-")
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = os.Chmod(filepath.Join(base, "tree", "locked"), 0o755)
		_ = os.RemoveAll(base)
	})
	tree := filepath.Join(base, "tree")
	require.NoError(t, os.MkdirAll(filepath.Join(tree, "locked"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(tree, "team.yaml"), []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(tree, "locked", "hidden.yaml"), []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: hidden\n"), 0o644))
	require.NoError(t, os.Chmod(filepath.Join(tree, "locked"), 0o000))
	require.NoError(t, os.Chmod(base, 0o755))

	var got treeSummary
	if os.Geteuid() != 0 {
		read := ReadTree(tree)
		got.Errors = read.Errors
		for _, o := range read.Objects {
			got.Keys = append(got.Keys, o.Key())
		}
	} else {
		self, err := os.Executable()
		require.NoError(t, err)
		copied := filepath.Join(base, "manifests.test")
		copyFile(t, self, copied, 0o755)
		cmd := exec.Command(copied, "-test.run", "^TestReadTreeReportsAFolderItCannotRead$")
		cmd.Env = append(os.Environ(), unreadableDirEnv+"="+tree)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		_, result, found := strings.Cut(string(out), "\nRESULT ")
		require.True(t, found, "%s", out)
		result, _, _ = strings.Cut(result, "\n")
		require.NoError(t, json.Unmarshal([]byte(result), &got))
	}
	assert.Equal(t, []string{"Namespace/team"}, got.Keys)
	require.Len(t, got.Errors, 1)
	assert.Equal(t, filepath.Join(tree, "locked"), got.Errors[0].Path)
	assert.Contains(t, got.Errors[0].Err, "permission denied")
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, data, mode))
}

// TestReadTreeKnowsASeccompProfile: kubeharden's audit seccomp profile, among the node files, is known
// and skipped, not an error; a kindless JSON that only looks like one is still an error.
func TestReadTreeKnowsASeccompProfile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "audit.json"), []byte(`{"defaultAction": "SCMP_ACT_LOG"}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "team.yaml"), []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n"), 0o644))
	tree := ReadTree(dir)
	assert.Empty(t, tree.Errors)
	assert.Equal(t, 1, tree.SkippedKinds[SeccompProfileGVK.GroupKind().String()], "%v", tree.SkippedKinds)
	require.Len(t, tree.Objects, 1)

	for name, doc := range map[string]string{
		"not-an-action.json": `{"defaultAction": "ALLOW"}`,
		"extra-key.json":     `{"defaultAction": "SCMP_ACT_LOG", "kindOf": "Namespace"}`,
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o644))
	}
	tree = ReadTree(dir)
	assert.Len(t, tree.Errors, 2, "%+v", tree.Errors)
}
