package manifests

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// MaxFileBytes is the largest file ReadTree reads; a larger one is reported, not read.
const MaxFileBytes = 16 << 20

// FileError is a file that could not be read or parsed.
type FileError struct {
	Path string `json:"path"`
	Err  string `json:"error"`
}

// Tree is what ReadTree found: the objects of kinds kubeharden knows, the control-plane configuration
// documents (see ConfigScheme), how many documents it skipped by kind (kinds it does not inspect, such
// as custom resources), and the files it could not read.
type Tree struct {
	Objects []Object
	Configs []Object
	Skipped int
	// SkippedKinds counts the skipped documents by group/kind, such as "templates.gatekeeper.sh/ConstraintTemplate".
	SkippedKinds map[string]int
	Errors       []FileError
}

// ReadTree reads every .yaml, .yml and .json file under the given paths, tolerantly: multi-document
// files, List objects and empty documents are fine, unknown kinds are skipped and counted, and a file
// that cannot be read or parsed is reported while the rest are still read. Symbolic links are not
// followed, so a link loop cannot trap it.
func ReadTree(paths ...string) Tree {
	var t Tree
	var files []string
	for _, root := range paths {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				t.Errors = append(t.Errors, FileError{Path: path, Err: err.Error()})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".yaml", ".yml", ".json":
			default:
				if path != root {
					return nil
				}
			}
			files = append(files, path)
			return nil
		})
		if err != nil {
			t.Errors = append(t.Errors, FileError{Path: root, Err: err.Error()})
		}
	}

	// Parsing dominates: files are read in parallel, and their results kept in file order.
	type result struct {
		objs, configs []Object
		skipped       map[string]int
		err           error
	}
	results := make([]result, len(files))
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				objs, configs, skipped, err := readFile(files[i])
				results[i] = result{objs, configs, skipped, err}
			}
		}()
	}
	for i := range files {
		work <- i
	}
	close(work)
	wg.Wait()
	for i, r := range results {
		if r.err != nil {
			t.Errors = append(t.Errors, FileError{Path: files[i], Err: r.err.Error()})
			continue
		}
		t.Objects = append(t.Objects, r.objs...)
		t.Configs = append(t.Configs, r.configs...)
		for k, n := range r.skipped {
			if t.SkippedKinds == nil {
				t.SkippedKinds = map[string]int{}
			}
			t.SkippedKinds[k] += n
			t.Skipped += n
		}
	}
	return t
}

// splitDocuments splits a YAML stream at its "---" lines, as k8s.io/apimachinery's YAMLReader does: a
// line starting with "---" separates documents when only spaces or a comment follow it, and is an error
// otherwise.
func splitDocuments(data []byte) ([][]byte, error) {
	var docs [][]byte
	start := 0
	for pos := 0; pos < len(data); {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			next = pos + end + 1
		}
		line := data[pos:next]
		if bytes.HasPrefix(line, []byte("---")) {
			rest := bytes.TrimSpace(line[3:])
			if len(rest) > 0 && rest[0] != '#' {
				return nil, fmt.Errorf("document %d: invalid Yaml document separator: %s", len(docs)+1, rest)
			}
			if pos > start {
				docs = append(docs, data[start:pos])
			}
			start = next
		}
		pos = next
	}
	if start < len(data) {
		docs = append(docs, data[start:])
	}
	return docs, nil
}

// yamlKind names what a YAML document holds, for messages.
func yamlKind(v any) string {
	switch v.(type) {
	case []any:
		return "sequence"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64, int64, int:
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// useBlockReader turns on the fast path of readBlockStyle; tests turn it off to compare.
var useBlockReader = true

// readBlockStyle reads a document through blockYAMLToJSON and decodes the JSON straight into its type,
// case-sensitively as the API server does, with the JSON v2 decoder (github.com/go-json-experiment/json,
// the proposal behind encoding/json/v2): about twice as fast as encoding/json on these types, and it calls
// their own UnmarshalJSON methods (quantities, times, int-or-string). It reports ok false, and the caller reads
// the document the general way, for anything it is not sure of: a document the fast reader gives up on,
// a List, a kubeadm or kindless document, or one that does not decode.
func readBlockStyle(p *blockParser, path string, raw []byte) (obj Object, class docClass, ok bool) {
	data, head, ok := p.convert(raw)
	if !ok || head.HasItems || head.Kind == "" {
		return Object{}, 0, false
	}
	gv, err := schema.ParseGroupVersion(head.APIVersion)
	if err != nil || gv.Group == KubeadmGroup {
		return Object{}, 0, false
	}
	gvk := gv.WithKind(head.Kind)
	typed, class := newTyped(gvk)
	if class == classOther {
		return Object{GVK: gvk}, class, true
	}
	// The fast reader has already refused duplicate keys and invalid UTF-8; the decoder need not look again.
	if err := jsonv2.Unmarshal(data, typed, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil {
		return Object{}, 0, false // the general path reports it
	}
	obj = Object{Path: path, GVK: gvk, Obj: typed}
	if m, err := meta.Accessor(typed); err == nil {
		obj.Namespace, obj.Name = m.GetNamespace(), m.GetName()
	}
	return obj, class, true
}

func readFile(path string) (objs, configs []Object, skipped map[string]int, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, nil, err
	}
	if fi.Size() > MaxFileBytes {
		return nil, nil, nil, fmt.Errorf("%d bytes: larger than the %d this reads", fi.Size(), MaxFileBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, nil, err
	}
	skipped = map[string]int{}
	add := func(o Object, class docClass) {
		switch class {
		case classObject:
			objs = append(objs, o)
		case classConfig:
			configs = append(configs, o)
		default:
			skipped[o.GVK.GroupKind().String()]++ // a kind kubeharden does not inspect
		}
	}
	var parser blockParser
	docs, err := splitDocuments(data)
	if err != nil {
		return nil, nil, nil, err
	}
	for i, raw := range docs {
		doc := i + 1
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		if useBlockReader {
			if obj, class, ok := readBlockStyle(&parser, path, raw); ok {
				add(obj, class)
				continue
			}
		}
		var u unstructured.Unstructured
		if err := yaml.Unmarshal(raw, &u.Object); err != nil {
			var top any
			if yaml.Unmarshal(raw, &top) == nil {
				return nil, nil, nil, fmt.Errorf("document %d: not a Kubernetes object: a %s, not a mapping with apiVersion and kind", doc, yamlKind(top))
			}
			return nil, nil, nil, fmt.Errorf("document %d: not YAML: %w", doc, err)
		}
		if u.Object == nil {
			continue // a document of comments only
		}
		if u.GetKind() == "" && isK3sConfig(u.Object) {
			configs = append(configs, Object{Path: path, GVK: K3sConfigGVK, Obj: &u})
			continue
		}
		items := []unstructured.Unstructured{u}
		if u.IsList() {
			list, err := u.ToList()
			if err != nil {
				return nil, nil, nil, fmt.Errorf("document %d: %w", doc, err)
			}
			items = list.Items
		}
		for _, item := range items {
			if item.GetKind() == "" {
				return nil, nil, nil, fmt.Errorf("document %d: has no kind", doc)
			}
			gvk := item.GroupVersionKind()
			if gvk.Group == KubeadmGroup { // kubeadm's types are not importable: kept unstructured
				configs = append(configs, Object{Path: path, GVK: gvk, Name: item.GetName(), Obj: &item})
				continue
			}
			typed, class := newTyped(gvk)
			if class == classOther {
				add(Object{GVK: gvk}, class)
				continue
			}
			if err := runtimeFromUnstructured(item.Object, typed); err != nil {
				return nil, nil, nil, fmt.Errorf("document %d: %s %s: %w", doc, item.GetKind(), item.GetName(), err)
			}
			add(Object{Path: path, GVK: gvk, Namespace: item.GetNamespace(), Name: item.GetName(), Obj: typed}, class)
		}
	}
	return objs, configs, skipped, nil
}
