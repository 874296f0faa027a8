package manifests

import (
	"testing"

	"github.com/kubeharden/kubeharden/controls/manifests/internal/yamldocs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

func TestHeadScanAnswersOnlyWhereItIsSure(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		kind      string // "" when it must not answer
	}{
		{"a CRD", "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: w\nspec:\n  versions:\n  - name: v1\n    schema:\n      description: |\n        kind: Deployment\n", "CustomResourceDefinition"},
		{"a custom resource with a comment", "# c\napiVersion: example.com/v1 # v\nkind: Widget\nspec: {a: [1, 2]}\n", "Widget"},
		{"a kind a control judges", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n", ""},
		{"a config kind", "apiVersion: audit.k8s.io/v1\nkind: Policy\n", ""},
		{"kubeadm", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n", ""},
		{"a removed version of a judged kind", "apiVersion: extensions/v1beta1\nkind: Deployment\n", ""},
		{"a List", "apiVersion: v1\nkind: List\nitems: []\n", ""},
		{"two kinds", "apiVersion: example.com/v1\nkind: Widget\nkind: Deployment\n", ""},
		{"a quoted kind", "apiVersion: example.com/v1\nkind: \"Widget\"\n", ""},
		{"an anchor", "apiVersion: example.com/v1\nkind: &k Widget\n", ""},
		{"an indented top level", "  apiVersion: example.com/v1\n  kind: Widget\n", ""},
		{"a quoted scalar over lines", "apiVersion: example.com/v1\nkind: Widget\nspec:\n  note: \"starts here\nkind: Deployment\"\n", ""},
		{"a single-quoted scalar over lines", "apiVersion: example.com/v1\nkind: Widget\nspec:\n  - 'it''s\napiVersion: apps/v1'\n", ""},
		{"a flow collection over lines", "apiVersion: example.com/v1\nkind: Widget\nspec: {a: \"]\",\nkind: Deployment}\n", ""},
		{"closed quotes and brackets", "apiVersion: example.com/v1\nkind: Widget\nspec:\n  a: \"x: y\"\n  b: ['it''s', \"]\"]\n  c: don't\n", "Widget"},
		{"JSON", "{\"apiVersion\": \"example.com/v1\", \"kind\": \"Widget\"}\n", ""},
		{"a tag", "--- !!map\napiVersion: example.com/v1\nkind: Widget\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gvk, ok := headScan([]byte(tc.doc))
			assert.Equal(t, tc.kind != "", ok)
			assert.Equal(t, tc.kind, gvk.Kind)
		})
	}
}

// FuzzHeadScan: whenever the head scan names a document's kind, sigs.k8s.io/yaml reads the same
// apiVersion and kind, and no items, or refuses the document (a YAML error below the top level, which the
// scan does not look for).
func FuzzHeadScan(f *testing.F) {
	for _, doc := range yamldocs.Corpus(f) {
		if len(doc) < 4096 {
			f.Add(doc)
		}
	}
	f.Add([]byte("apiVersion: example.com/v1\nkind: Widget\nspec:\n  a: \"x\"\n"))
	f.Add([]byte("apiVersion: example.com/v1\nkind: Widget\nspec: {a: \"]\",\nb: 1}\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		gvk, ok := headScan(doc)
		if !ok {
			return
		}
		var top map[string]any
		if err := yaml.Unmarshal(doc, &top); err != nil {
			return
		}
		if top["kind"] != gvk.Kind || top["apiVersion"] != gvk.GroupVersion().String() {
			t.Fatalf("head scan read %s, sigs.k8s.io/yaml reads apiVersion %v kind %v:\n%s", gvk, top["apiVersion"], top["kind"], doc)
		}
		if _, has := top["items"]; has {
			t.Fatalf("head scan skipped a List:\n%s", doc)
		}
	})
}

// TestTheHeadScanHasASwitchOfItsOwn: with the head scan on, a document of a kind no control inspects is
// skipped from its top-level lines, and an error below them is not seen (as its comment says); with only
// the head scan off, the general path parses the document and reports the error.
func TestTheHeadScanHasASwitchOfItsOwn(t *testing.T) {
	doc := []Source{{Name: "w.yaml", Data: []byte("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: x\nspec:\n  a: &x b\n  c: *y\n")}}
	on := ReadSources(doc)
	assert.Equal(t, 1, on.Skipped)
	assert.Empty(t, on.Errors)

	useHeadScan = false
	defer func() { useHeadScan = true }()
	off := ReadSources(doc)
	assert.Zero(t, off.Skipped)
	require.Len(t, off.Errors, 1)
	assert.Contains(t, off.Errors[0].Err, "unknown anchor")
}
