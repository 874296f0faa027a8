// Package rendered reads kubeharden's own rendered files strictly, for the tests that check what the
// program renders: an unknown kind or field, or a duplicate key, is an error naming the file, so that a
// test fails on a misspelt key. `kubeharden check` reads what it is handed tolerantly instead
// (controls/manifests).
package rendered

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

// LoadDir decodes every .yaml file below dir, one object a file, strictly: an unknown kind or field, or a
// duplicate key, is an error naming the file. Objects come back sorted by Key.
func LoadDir(dir string) ([]manifests.Object, error) {
	var objs []manifests.Object
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		o, err := Decode(data)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		o.Path = path
		objs = append(objs, o)
		return nil
	})
	sort.Slice(objs, func(i, j int) bool { return objs[i].Key() < objs[j].Key() })
	return objs, err
}

// Decode decodes one manifest strictly into its k8s.io/api type.
func Decode(data []byte) (manifests.Object, error) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(data, &tm); err != nil {
		return manifests.Object{}, err
	}
	gvk := tm.GroupVersionKind()
	obj, err := manifests.Scheme.New(gvk)
	if err != nil {
		return manifests.Object{}, fmt.Errorf("unknown kind %s: %w", gvk, err)
	}
	if err := yaml.UnmarshalStrict(data, obj); err != nil {
		return manifests.Object{}, fmt.Errorf("decoding %s strictly: %w", gvk.Kind, err)
	}
	if _, ok := obj.(metav1.Object); !ok {
		return manifests.Object{}, fmt.Errorf("%s has no object metadata", gvk.Kind)
	}
	return manifests.NewObject("", gvk, obj), nil
}

// DecodeAll decodes every non-empty document of a multi-document YAML file strictly.
func DecodeAll(data []byte) ([]manifests.Object, error) {
	var out []manifests.Object
	for i, doc := range strings.Split("\n"+string(data), "\n---") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		o, err := Decode([]byte(doc))
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		out = append(out, o)
	}
	return out, nil
}
