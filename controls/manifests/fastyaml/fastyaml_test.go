package fastyaml

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/kubeharden/kubeharden/controls/manifests/internal/yamldocs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

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
	for name, doc := range yamldocs.Corpus(t) {
		total++
		if fast, _, ok := Convert(doc); ok {
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
		_, _, ok := Convert([]byte(doc))
		assert.False(t, ok, "%q", doc)
	}
}

func TestBlockYAMLToJSONReadsTheBlockStyle(t *testing.T) {
	doc := "# a comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg # trailing\n  labels: {app: web, \"tier\": 'front'}\n" +
		"data:\n  script: |\n    #!/bin/sh\n    echo \"hi\"\n\n    exit 0\n  strip: |-\n    one\n  keep: |+\n    two\n\n" +
		"list:\n- a\n- name: x\n  args: [--v=2, \"--q\"]\n  count: 3\n  cpu: 500m\n  pct: 25%\n-\n  nested: true\nempty:\nnone: null\ntilde: ~\n"
	fast, head, ok := Convert([]byte(doc))
	require.True(t, ok)
	assert.Equal(t, Head{APIVersion: "v1", Kind: "ConfigMap"}, head)
	sameAsReference(t, "block style", []byte(doc), fast)
}

// FuzzBlockYAMLToJSON: whatever the fast reader accepts, sigs.k8s.io/yaml reads the same way.
func FuzzBlockYAMLToJSON(f *testing.F) {
	for _, doc := range yamldocs.Corpus(f) {
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
			fast, _, ok := Convert(doc)
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
