package jsonmerge

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMergeLaysAPatchOverItsBase: maps are merged key by key, at every depth; anything else in the patch
// replaces what the base has, a map by a scalar and a scalar by a map; keys only the patch has are added.
func TestMergeLaysAPatchOverItsBase(t *testing.T) {
	for _, tc := range []struct {
		name              string
		base, patch, want any
	}{
		{"nested maps merge", map[string]any{"a": map[string]any{"x": 1, "y": 2}, "b": 3}, map[string]any{"a": map[string]any{"y": 4}},
			map[string]any{"a": map[string]any{"x": 1, "y": 4}, "b": 3}},
		{"a scalar replaces a map", map[string]any{"a": map[string]any{"x": 1}}, map[string]any{"a": "s"}, map[string]any{"a": "s"}},
		{"a map replaces a scalar", map[string]any{"a": "s"}, map[string]any{"a": map[string]any{"x": 1}}, map[string]any{"a": map[string]any{"x": 1}}},
		{"more keys in the patch than in the base", map[string]any{}, map[string]any{"a": 1, "b": 2}, map[string]any{"a": 1, "b": 2}},
		{"a list is replaced whole", map[string]any{"l": []any{1, 2}}, map[string]any{"l": []any{3}}, map[string]any{"l": []any{3}}},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, Merge(tc.base, tc.patch)) })
	}
}
