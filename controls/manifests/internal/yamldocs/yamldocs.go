// Package yamldocs gives the manifest readers' tests YAML documents nobody wrote for them: the
// catalog's fixtures, the stack settings and k8s.io/api's round-trip fixtures. Only tests import it.
package yamldocs

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/kubeharden/kubeharden/tests/testenv"
)

// Corpus are YAML documents nobody wrote for this reader: kubeharden's fixtures and stack settings, and
// the round-trip fixtures of k8s.io/api (every built-in kind, every field filled), from the module cache.
func Corpus(t testing.TB) map[string][]byte {
	t.Helper()
	var files []string
	root := testenv.RepoRoot()
	for _, pattern := range []string{"controls/testdata/*/*/*.yaml", "stacks/*.yaml"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		require.NoError(t, err)
		files = append(files, m...)
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/api").Output()
	require.NoError(t, err)
	api, err := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "testdata", "HEAD", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, api)
	files = append(files, api...)
	docs := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for i := 0; ; i++ {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, f)
			docs[f+"#"+string(rune('0'+i))] = doc
		}
	}
	return docs
}
