package rendered

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTheStrictReaderRefusesWhatTheRendererMustNotWrite: a misspelt field, an unknown kind and a
// duplicate key are errors naming the file; well-formed files come back sorted by key.
func TestTheStrictReaderRefusesWhatTheRendererMustNotWrite(t *testing.T) {
	for name, doc := range map[string]string{
		"misspelt field": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  lables: {x: y}\n",
		"unknown kind":   "apiVersion: v1\nkind: Nonsense\nmetadata:\n  name: a\n",
		"duplicate key":  "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "x.yaml"), []byte(doc), 0o644))
			_, err := LoadDir(dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), filepath.Join(dir, "x.yaml"))
		})
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.yaml"), []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  namespace: b\n"), 0o644))
	objs, err := LoadDir(dir)
	require.NoError(t, err)
	require.Len(t, objs, 2)
	assert.Equal(t, "Namespace/b", objs[0].Key())
	assert.Equal(t, "ServiceAccount/b/a", objs[1].Key())

	all, err := DecodeAll([]byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n  lables: {}\n"))
	assert.Nil(t, all)
	assert.ErrorContains(t, err, "document 2")
}
