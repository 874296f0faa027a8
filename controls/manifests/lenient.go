package manifests

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/controls/internal/parallel"
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

// readBuffers hold the files ReadTree reads, one at a time each.
var readBuffers = sync.Pool{New: func() any { return new([]byte) }}

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
	results := make([]fileResult, len(files))
	parallel.For(len(files), func(i int) {
		buf := readBuffers.Get().(*[]byte) // nothing decoded keeps a reference to it
		results[i], *buf = readFile(files[i], *buf)
		readBuffers.Put(buf)
	})
	n := 0
	for _, r := range results {
		n += len(r.objs)
	}
	t.Objects = make([]Object, 0, n)
	for i, r := range results {
		if r.err != nil {
			t.Errors = append(t.Errors, FileError{Path: files[i], Err: r.err.Error()})
			continue
		}
		t.Errors = append(t.Errors, r.docErrors...)
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
// their own UnmarshalJSON methods (quantities, times, int-or-string). A workload of deferredKinds is only
// read as far as its metadata (see deferred.go). It reports ok false, and the caller reads the document
// the general way, for anything it is not sure of: a document the fast reader gives up on, a List, a
// kubeadm or kindless document, or one that does not decode; decodeErr is then the JSON decoder's error,
// which names the field, for the caller to report should the general way fail too.
func readBlockStyle(p *blockParser, path string, doc int, raw []byte) (obj Object, class docClass, ok bool, decodeErr error) {
	data, head, ok := p.convert(raw)
	if !ok || head.HasItems || head.Kind == "" {
		return Object{}, 0, false, nil
	}
	gv, err := schema.ParseGroupVersion(head.APIVersion)
	if err != nil || gv.Group == KubeadmGroup {
		return Object{}, 0, false, nil
	}
	gvk := gv.WithKind(head.Kind)
	if deferredKinds[gvk] {
		obj, ok := newDeferredObject(path, doc, gvk, data)
		return obj, classObject, ok, nil
	}
	typed, class := newTyped(gvk)
	if class == classOther {
		return Object{GVK: gvk}, class, true, nil
	}
	if err := decodeJSON(data, typed); err != nil {
		return Object{}, 0, false, err
	}
	return NewObject(path, gvk, typed), class, true, nil
}

// fileResult is what one file held: err when it could not be read or parsed as a whole, docErrors for
// the documents that do not decode into their types.
type fileResult struct {
	objs, configs []Object
	skipped       map[string]int
	docErrors     []FileError
	err           error
}

// readFile reads and decodes one file, reading it into buf (grown when it is too small, and returned for
// the next file).
func readFile(path string, buf []byte) (fileResult, []byte) {
	data, err := readAll(path, buf)
	if err != nil {
		return fileResult{err: err}, buf
	}
	return decodeFile(path, data), data[:0]
}

// documentError is a document of a file that does not decode into its type.
func documentError(path string, doc int, kind, name string, err error) FileError {
	return FileError{Path: path, Err: fmt.Sprintf("document %d: %s %s: %v", doc, kind, name, err)}
}

// readAll reads a file of at most MaxFileBytes into buf, growing it when it is too small.
func readAll(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return buf, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return buf, err
	}
	if fi.Size() > MaxFileBytes {
		return buf, fmt.Errorf("%d bytes: larger than the %d this reads", fi.Size(), MaxFileBytes)
	}
	// Read to the end, as a file may have grown since Stat or report no size (as /proc does), but no
	// further than MaxFileBytes. The buffer's room is reused from file to file.
	b := bytes.NewBuffer(buf[:0])
	b.Grow(int(fi.Size()) + bytes.MinRead)
	if _, err := b.ReadFrom(io.LimitReader(f, MaxFileBytes+1)); err != nil {
		return buf[:0], err
	}
	if b.Len() > MaxFileBytes {
		return b.Bytes()[:0], fmt.Errorf("more than the %d bytes this reads", MaxFileBytes)
	}
	return b.Bytes(), nil
}

// decodeFile decodes the documents of one file's contents. Nothing it returns refers to data. A
// document that does not decode into its type is an error of its own; one that is not a Kubernetes
// object fails the whole file.
func decodeFile(path string, data []byte) (r fileResult) {
	r.skipped = map[string]int{}
	add := func(o Object, class docClass) {
		switch class {
		case classObject:
			r.objs = append(r.objs, o)
		case classConfig:
			r.configs = append(r.configs, o)
		default:
			r.skipped[o.GVK.GroupKind().String()]++ // a kind kubeharden does not inspect
		}
	}
	fail := func(err error) fileResult { return fileResult{err: err} }
	var parser blockParser
	docs, err := splitDocuments(data)
	if err != nil {
		return fail(err)
	}
	r.objs = make([]Object, 0, len(docs))
	for i, raw := range docs {
		doc := i + 1
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var fastErr error
		if useBlockReader {
			obj, class, ok, err := readBlockStyle(&parser, path, doc, raw)
			if ok {
				add(obj, class)
				continue
			}
			fastErr = err
		}
		var u unstructured.Unstructured
		if err := yaml.Unmarshal(raw, &u.Object); err != nil {
			var top any
			if yaml.Unmarshal(raw, &top) == nil {
				return fail(fmt.Errorf("document %d: not a Kubernetes object: a %s, not a mapping with apiVersion and kind", doc, yamlKind(top)))
			}
			return fail(fmt.Errorf("document %d: not YAML: %w", doc, err))
		}
		if u.Object == nil {
			continue // a document of comments only
		}
		if u.GetKind() == "" && isK3sConfig(u.Object) {
			r.configs = append(r.configs, NewObject(path, K3sConfigGVK, &u))
			continue
		}
		items := []unstructured.Unstructured{u}
		if u.IsList() {
			list, err := u.ToList()
			if err != nil {
				return fail(fmt.Errorf("document %d: %w", doc, err))
			}
			items = list.Items
		}
		for _, item := range items {
			if item.GetKind() == "" {
				return fail(fmt.Errorf("document %d: has no kind", doc))
			}
			gvk := item.GroupVersionKind()
			if gvk.Group == KubeadmGroup { // kubeadm's types are not importable: kept unstructured
				r.configs = append(r.configs, NewObject(path, gvk, &item))
				continue
			}
			typed, class := newTyped(gvk)
			if class == classOther {
				add(Object{GVK: gvk}, class)
				continue
			}
			if err := runtimeFromUnstructured(item.Object, typed); err != nil {
				if fastErr != nil {
					err = fastErr // it names the field
				}
				r.docErrors = append(r.docErrors, documentError(path, doc, item.GetKind(), item.GetName(), err))
				continue
			}
			add(NewObject(path, gvk, typed), class)
		}
	}
	return r
}
