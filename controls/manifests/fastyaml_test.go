package manifests

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// corpusDocs are YAML documents nobody wrote for this reader: kubeharden's fixtures and stack settings, and
// the round-trip fixtures of k8s.io/api (every built-in kind, every field filled), from the module cache.
func corpusDocs(t testing.TB) map[string][]byte {
	t.Helper()
	var files []string
	for _, pattern := range []string{"../testdata/*/*/*.yaml", "../../stacks/*.yaml"} {
		m, err := filepath.Glob(pattern)
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

// sameAsReference fails unless the fast reader's JSON means what sigs.k8s.io/yaml's does.
func sameAsReference(t testing.TB, name string, doc, fast []byte) {
	t.Helper()
	ref, err := yaml.YAMLToJSON(doc)
	if err != nil {
		t.Fatalf("%s: the fast reader accepted what sigs.k8s.io/yaml refuses (%v):\n%s", name, err, doc)
	}
	decode := func(b []byte) any {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("%s: %v: %s", name, err, b)
		}
		return v
	}
	if a, b := decode(fast), decode(ref); !reflect.DeepEqual(a, b) {
		t.Fatalf("%s: the fast reader differs from sigs.k8s.io/yaml:\nfast: %s\nref:  %s\ndoc:\n%s", name, fast, ref, doc)
	}
}

func TestBlockYAMLToJSONAgreesWithSigsYAML(t *testing.T) {
	accepted, total := 0, 0
	for name, doc := range corpusDocs(t) {
		total++
		if fast, _, ok := blockYAMLToJSON(doc); ok {
			accepted++
			sameAsReference(t, name, doc, fast)
		}
	}
	t.Logf("the fast reader took %d of %d documents; the rest went to sigs.k8s.io/yaml", accepted, total)
	assert.Greater(t, accepted, total/2, "the fast reader takes most documents of the corpus")
}

func TestBlockYAMLToJSONGivesUpOnWhatItDoesNotKnow(t *testing.T) {
	for _, doc := range []string{
		"a: &x 1\nb: *x\n", "a: !!str 1\n", "a: >\n  folded\n", "a: yes\n", "On: 1\n", "a: 0777\n", "a: 1.5\n",
		"a: 2026-11-25\n", "a: 0x1F\n", "a: b\n  continued\n", "a: \"open\n  close\"\n", "a: 1\na: 2\n", "? complex\n: key\n",
		"a:\tb\n", "\ta: b\n", "a: |2\n   x\n", "- a\n- b\n", "plain scalar\n", "a: [1,\n  2]\n", "a: {b: 1, b: 2}\n",
		"%YAML 1.1\n---\na: 1\n", "a: '\x01'\n", "\ufeffa: 1\n", "a: b: c\n", "a: 1_000\n", "a: .inf\n",
	} {
		_, _, ok := blockYAMLToJSON([]byte(doc))
		assert.False(t, ok, "%q", doc)
	}
}

func TestBlockYAMLToJSONReadsTheBlockStyle(t *testing.T) {
	doc := "# a comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg # trailing\n  labels: {app: web, \"tier\": 'front'}\n" +
		"data:\n  script: |\n    #!/bin/sh\n    echo \"hi\"\n\n    exit 0\n  strip: |-\n    one\n  keep: |+\n    two\n\n" +
		"list:\n- a\n- name: x\n  args: [--v=2, \"--q\"]\n  count: 3\n  cpu: 500m\n  pct: 25%\n-\n  nested: true\nempty:\nnone: null\ntilde: ~\n"
	fast, head, ok := blockYAMLToJSON([]byte(doc))
	require.True(t, ok)
	assert.Equal(t, docHead{APIVersion: "v1", Kind: "ConfigMap"}, head)
	sameAsReference(t, "block style", []byte(doc), fast)
}

// FuzzBlockYAMLToJSON: whatever the fast reader accepts, sigs.k8s.io/yaml reads the same way.
func FuzzBlockYAMLToJSON(f *testing.F) {
	for _, doc := range corpusDocs(f) {
		if len(doc) < 4096 {
			f.Add(doc)
		}
	}
	f.Add([]byte("a: |\n  x\n b\n"))
	f.Add([]byte("- k: v\n  l:\n  - 1\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		type result struct {
			fast []byte
			ok   bool
		}
		done := make(chan result, 1)
		go func() {
			fast, _, ok := blockYAMLToJSON(doc)
			done <- result{fast, ok}
		}()
		select {
		case r := <-done:
			if r.ok {
				sameAsReference(t, "fuzz", doc, r.fast)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("the fast reader does not finish on %q", doc)
		}
	})
}

// TestBlockReaderDecodesAsTheGeneralPath reads every corpus file both ways, through the fast reader and
// through sigs.k8s.io/yaml and the unstructured converter: the same objects, configs and skipped kinds.
func TestBlockReaderDecodesAsTheGeneralPath(t *testing.T) {
	dir := t.TempDir()
	i := 0
	for _, doc := range corpusDocs(t) {
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
	useBlockReader = false
	defer func() { useBlockReader = true }()
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
