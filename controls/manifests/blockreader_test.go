package manifests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/controls/manifests/internal/yamldocs"
)

// TestBlockReaderDecodesAsTheGeneralPath reads every corpus file both ways, through the fast reader and
// through sigs.k8s.io/yaml and the unstructured converter: the same objects, configs and skipped kinds.
func TestBlockReaderDecodesAsTheGeneralPath(t *testing.T) {
	dir := t.TempDir()
	i := 0
	for _, doc := range yamldocs.Corpus(t) {
		i++
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("doc-%04d.yaml", i)), doc, 0o644))
	}
	// Documents that do not decode into their types, deferred workloads among them.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "wrong-types.yaml"), []byte(
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: two\n---\n"+
			"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: 5\n---\n"+
			"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\nspec:\n  podSelector: 5\n---\n"+
			"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fine\n"), 0o644))
	fast := ReadTree(dir)
	useHeadScan, useBlockReader = false, false
	defer func() { useHeadScan, useBlockReader = true, true }()
	general := ReadTree(dir)
	// The fast reader's deferred workloads that do not decode are errors too, found when asked for.
	var fastObjects []Object
	for _, o := range fast.Objects {
		if o.Typed() != nil {
			fastObjects = append(fastObjects, o)
		}
	}
	fastErrors := append(fast.Errors, DeferredErrors(fast.Objects)...)
	require.Equal(t, len(general.Objects), len(fastObjects))
	require.Equal(t, len(general.Configs), len(fast.Configs))
	assert.Equal(t, general.SkippedKinds, fast.SkippedKinds)
	// The same documents fail, though the fast reader's messages name the field.
	assert.ElementsMatch(t, errorDocuments(general.Errors), errorDocuments(fastErrors))
	var unjudged int
	for _, e := range fastErrors {
		if strings.Contains(e.Err, "this one is removed or pre-release") {
			unjudged++
		}
	}
	assert.Positive(t, unjudged, "k8s.io/api's fixtures of older versions of the judged kinds (extensions/v1beta1 Deployment, ...)")
	assert.Len(t, fastErrors, 6+unjudged, "the three kindless corpus documents, the three of wrong-types.yaml, and the older versions")
	for i := range general.Objects {
		g, f := general.Objects[i], fastObjects[i]
		assert.Equal(t, g.Key(), f.Key())
		gj, err := json.Marshal(g.Typed())
		require.NoError(t, err)
		fj, err := json.Marshal(f.Typed())
		require.NoError(t, err)
		assert.JSONEq(t, string(gj), string(fj), g.Path)
	}
	t.Logf("%d objects, %d configs, %d skipped, %d errors", len(fastObjects), len(fast.Configs), fast.Skipped, len(fastErrors))
}

// errorDocuments are the errors' files and, for a document that does not decode, its number, kind and
// name ("doc-0001.yaml: document 3: Deployment x"), or else the whole error.
func errorDocuments(errs []FileError) []string {
	var out []string
	for _, e := range errs {
		what := e.Err
		if parts := strings.SplitN(e.Err, ": ", 3); len(parts) == 3 && strings.HasPrefix(parts[0], "document ") {
			what = parts[0] + ": " + parts[1]
		}
		out = append(out, filepath.Base(e.Path)+": "+what)
	}
	return out
}

// TestTheBlockReaderHasASwitchOfItsOwn: a document of a judged kind that does not fit its type fails
// either way, but only the block reader (its JSON decoder) names the field; with only the block reader
// off, the general path's converter reports it.
func TestTheBlockReaderHasASwitchOfItsOwn(t *testing.T) {
	doc := []Source{{Name: "np.yaml", Data: []byte("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\n  namespace: a\nspec:\n  podSelector: 5\n")}}
	on := ReadSources(doc)
	require.Len(t, on.Errors, 1)
	assert.Contains(t, on.Errors[0].Err, `"/spec/podSelector"`)

	useBlockReader = false
	defer func() { useBlockReader = true }()
	off := ReadSources(doc)
	require.Len(t, off.Errors, 1)
	assert.NotContains(t, off.Errors[0].Err, "/spec/podSelector", "the general path's converter does not name the field")
}
