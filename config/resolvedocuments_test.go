package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestResolveDocumentsMergesDecodesAndValidates: a fleet's shared profile and a cluster's overrides are
// merged, the later one winning, and resolved; a document that cannot be copied, an unknown key and an
// invalid value each come back as errors with their field paths, and no profile.
func TestResolveDocumentsMergesDecodesAndValidates(t *testing.T) {
	p, errs := ResolveDocuments(map[string]any{"kubernetesVersion": "1.35.2"}, map[string]any{"kubernetesVersion": "1.34.4"})
	require.Empty(t, errs)
	require.False(t, p.IsZero())
	assert.Equal(t, "1.34.4", p.KubernetesVersion)
	assert.Equal(t, "restricted", p.PodSecurity.Enforce, "defaulted")

	for name, tc := range map[string]struct {
		doc  map[string]any
		want string
	}{
		"not a JSON value": {map[string]any{"kubernetesVersion": func() {}}, "profile"},
		"an unknown key":   {map[string]any{"kubernetesVersoin": "1.36.3"}, "kubernetesVersoin"},
		"an invalid value": {map[string]any{"kubernetesVersion": "1.29.4"}, "kubernetesVersion"},
	} {
		p, errs := ResolveDocuments(tc.doc)
		assert.True(t, p.IsZero(), name)
		require.NotEmpty(t, errs, name)
		assert.Equal(t, tc.want, errs[0].Field, "%s: %v", name, errs)
	}
}

// TestDecodeStrictReportsAWrongType: a value of the wrong type is an error under the type's name; a
// document that fits is none.
func TestDecodeStrictReportsAWrongType(t *testing.T) {
	var q Quota
	assert.Empty(t, DecodeStrict([]byte(`{"pods": "10"}`), &q))
	assert.Equal(t, "10", q.Pods)
	errs := DecodeStrict([]byte(`{"pods": ["10"]}`), &q)
	require.Len(t, errs, 1)
	assert.Equal(t, "quota", errs[0].Field)
}

// TestDecodeStrictPlacesUnknownAndDuplicateKeys: the decoder's own field paths name an unknown key deep
// in a list, with the keys its place allows, and a key given twice as a duplicate.
func TestDecodeStrictPlacesUnknownAndDuplicateKeys(t *testing.T) {
	var f struct {
		Name  string `json:"name"`
		Items []struct {
			Size int `json:"size"`
		} `json:"items"`
	}
	errs := DecodeStrict([]byte(`{"name":"a","name":"b","items":[{"size":1},{"sise":2}]}`), &f)
	require.Len(t, errs, 2, "%v", errs)
	assert.Equal(t, `name: Duplicate value: "name"`, errs[0].Error())
	assert.Equal(t, `items[1].sise: Unsupported value: "sise": supported values: "size"`, errs[1].Error())
}
