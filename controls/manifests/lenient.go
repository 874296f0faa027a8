package manifests

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/controls/internal/parallel"
	"github.com/kubeharden/kubeharden/controls/manifests/fastyaml"
	"github.com/kubeharden/kubeharden/internal/limitread"
)

// MaxFileBytes is the largest file ReadTree reads; a larger one is reported, not read.
const MaxFileBytes = 16 << 20

// FileError is an input that could not be read, parsed or judged: a file, a folder, or one document of a
// file (Line is then the document's first line).
type FileError struct {
	Path string `json:"path"`
	Line int    `json:"line,omitempty"`
	Err  string `json:"error"`
}

// Tree is what ReadTree found: the objects of kinds kubeharden knows, the control-plane configuration
// documents (see ConfigScheme), how many documents it skipped by kind (kinds it does not inspect, such
// as custom resources), and what it could not read.
type Tree struct {
	Objects []Object
	Configs []Object
	Skipped int
	// SkippedKinds counts the skipped documents by group/kind, such as "templates.gatekeeper.sh/ConstraintTemplate".
	SkippedKinds map[string]int
	Errors       []FileError

	documents []int // while reading: how many documents each input held
}

// NothingToCheck is the error of an input path that holds no Kubernetes document at all: an empty
// folder, a folder of other files, or an empty file.
const NothingToCheck = "nothing to check: no Kubernetes object in it"

// readBuffers hold the files ReadTree reads, one at a time each.
var readBuffers = sync.Pool{New: func() any { return new([]byte) }}

// ReadTree reads every .yaml, .yml and .json file under the given paths (see listFiles: links are
// followed, loops detected), tolerantly: multi-document files, List objects and empty documents are
// fine, unknown kinds are skipped and counted, and whatever cannot be read, parsed or judged is reported
// while the rest is still read. An input path that yields no document at all is an error too
// (NothingToCheck), so that a mistyped folder is never a clean run.
func ReadTree(paths ...string) Tree {
	files, walkErrors := listFiles(paths)
	// Parsing dominates: files are read in parallel, and their results kept in file order.
	results := make([]fileResult, len(files))
	parallel.For(len(files), func(i int) {
		buf := readBuffers.Get().(*[]byte) // nothing decoded keeps a reference to it
		results[i], *buf = readFile(files[i].path, *buf)
		readBuffers.Put(buf)
	})
	roots := make([]int, len(files))
	for i, f := range files {
		roots[i] = f.root
	}
	t := assemble(results, func(i int) string { return files[i].path }, roots, len(paths))
	t.Errors = append(walkErrors, t.Errors...)
	for i, root := range paths {
		if t.documents[i] == 0 && !hasErrorUnder(walkErrors, root) {
			t.Errors = append(t.Errors, FileError{Path: root, Err: NothingToCheck})
		}
	}
	t.documents = nil
	return t
}

// Source is one input that is not a file: Data read as a file's contents would be, its objects and errors
// named by Name (say, the URN of the Pulumi resource the document is the inputs of).
type Source struct {
	Name string
	Data []byte
}

// ReadSources reads sources as ReadTree reads files, with the same rules; a source that yields no
// document at all is an error (NothingToCheck), as an empty file is.
func ReadSources(sources []Source) Tree {
	results := make([]fileResult, len(sources))
	parallel.For(len(sources), func(i int) {
		if len(sources[i].Data) > MaxFileBytes {
			results[i] = fileResult{err: &limitread.TooLargeError{Size: int64(len(sources[i].Data)), Limit: MaxFileBytes}}
			return
		}
		results[i] = decodeFile(sources[i].Name, sources[i].Data)
	})
	roots := make([]int, len(sources))
	for i := range roots {
		roots[i] = i
	}
	t := assemble(results, func(i int) string { return sources[i].Name }, roots, len(sources))
	for i, s := range sources {
		if t.documents[i] == 0 {
			t.Errors = append(t.Errors, FileError{Path: s.Name, Err: NothingToCheck})
		}
	}
	t.documents = nil
	return t
}

// assemble gathers decoded results in order, counting the documents of each input (roots[i] is the
// input result i came from) in Tree.documents.
func assemble(results []fileResult, name func(i int) string, roots []int, inputs int) Tree {
	var t Tree
	n := 0
	for _, r := range results {
		n += len(r.objs)
	}
	t.Objects = make([]Object, 0, n)
	t.documents = make([]int, inputs)
	for i, r := range results {
		t.documents[roots[i]] += len(r.objs) + len(r.configs) + len(r.docErrors)
		if r.err != nil {
			t.documents[roots[i]]++ // it is reported, and so not "nothing"
			t.Errors = append(t.Errors, FileError{Path: name(i), Err: r.err.Error()})
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
			t.documents[roots[i]] += n
		}
	}
	return t
}

// Append adds what another read found.
func (t *Tree) Append(o Tree) {
	t.Objects = append(t.Objects, o.Objects...)
	t.Configs = append(t.Configs, o.Configs...)
	t.Errors = append(t.Errors, o.Errors...)
	for k, n := range o.SkippedKinds {
		if t.SkippedKinds == nil {
			t.SkippedKinds = map[string]int{}
		}
		t.SkippedKinds[k] += n
	}
	t.Skipped += o.Skipped
}

// hasErrorUnder is true when an error was reported for root or a path below it.
func hasErrorUnder(errs []FileError, root string) bool {
	for _, e := range errs {
		if e.Path == root || strings.HasPrefix(e.Path, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// document is one YAML document of a file and the line it starts on (1-based).
type document struct {
	data []byte
	line int
}

// splitDocuments splits a YAML stream at its "---" lines, as k8s.io/apimachinery's YAMLReader does: a
// line starting with "---" separates documents when only spaces or a comment follow it, and is an error
// otherwise.
func splitDocuments(data []byte) ([]document, error) {
	var docs []document
	start, startLine, line := 0, 1, 1
	for pos := 0; pos < len(data); line++ {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			next = pos + end + 1
		}
		text := data[pos:next]
		if bytes.HasPrefix(text, []byte("---")) {
			rest := bytes.TrimSpace(text[3:])
			if len(rest) > 0 && rest[0] != '#' {
				return nil, fmt.Errorf("line %d: document %d: invalid Yaml document separator: %s", line, len(docs)+1, rest)
			}
			if pos > start {
				docs = append(docs, document{data[start:pos], startLine})
			}
			start, startLine = next, line+1
		}
		pos = next
	}
	if start < len(data) {
		docs = append(docs, document{data[start:], startLine})
	}
	return docs, nil
}

// itemLines are the lines the items of a List document start on: the dashes of the block sequence under
// its top-level items key, or nil when there are not exactly n of them (a flow sequence, say), and each
// item is then located at its List.
func (d document) itemLines(n int) []int {
	var out []int
	inItems, dash := false, ""
	line := d.line
	for rest := d.data; len(rest) > 0; line++ {
		text := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			text, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		switch t := string(bytes.TrimRight(text, " \r")); {
		case len(t) > 0 && t[0] != ' ' && t[0] != '-' && t[0] != '#':
			inItems = strings.HasPrefix(t, "items:")
		case inItems && dash == "" && strings.HasPrefix(strings.TrimLeft(t, " "), "- "):
			dash = t[:len(t)-len(strings.TrimLeft(t, " "))] + "- "
			out = append(out, line)
		case inItems && dash != "" && strings.HasPrefix(t, dash):
			out = append(out, line)
		}
	}
	if len(out) != n {
		return nil
	}
	return out
}

// yamlWhitespace is what YAML takes for white space. Other characters that Go's unicode.IsSpace counts
// (a vertical tab, a form feed, U+0085) make a document YAML refuses, so they are content, never blank:
// a file of them is reported, not passed over (found by FuzzDecodeFile).
const yamlWhitespace = " \t\r\n"

// contentLine is the line of a document's first line that is neither blank nor a comment: where its
// object starts.
func (d document) contentLine() int {
	line := d.line
	for rest := d.data; len(rest) > 0; line++ {
		text := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			text, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if t := bytes.Trim(text, yamlWhitespace); len(t) > 0 && t[0] != '#' {
			return line
		}
	}
	return d.line
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

// The two stages of the fast reader, each with its own switch, which tests and benchmarks turn off to
// compare (BENCHMARKS.md has what each saves): useHeadScan skips a document of a kind no control
// inspects after a scan of its top-level lines (headScan), never parsing it; useBlockReader reads a
// document through fastyaml.Convert and decodes the JSON straight into its type (readBlockStyle). With
// both off, every document goes through sigs.k8s.io/yaml and the unstructured converter.
var useHeadScan, useBlockReader = true, true

// readBlockStyle reads a document through fastyaml.Convert and decodes the JSON straight into its type,
// case-sensitively as the API server does, with the JSON v2 decoder (github.com/go-json-experiment/json,
// the proposal behind encoding/json/v2): about twice as fast as encoding/json on these types, and it calls
// their own UnmarshalJSON methods (quantities, times, int-or-string). A workload of deferredKinds is only
// read as far as its metadata (see deferred.go). It reports ok false, and the caller reads the document
// the general way, for anything it is not sure of: a document the fast reader gives up on, a List, a
// kubeadm or kindless document, or one that does not decode; decodeErr is then the JSON decoder's error,
// which names the field, for the caller to report should the general way fail too.
func readBlockStyle(p *fastyaml.Parser, path string, doc int, raw []byte) (obj Object, class docClass, ok bool, decodeErr error) {
	data, head, ok := p.Convert(raw)
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
	if class == classOther || class == classUnjudgeable {
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
func documentError(path string, doc, line int, kind, name string, err error) FileError {
	return FileError{Path: path, Line: line, Err: fmt.Sprintf("document %d: %s %s: %v", doc, kind, name, err)}
}

// readAll reads a file of at most MaxFileBytes into buf, growing it when it is too small.
func readAll(path string, buf []byte) ([]byte, error) {
	return limitread.Into(buf, path, MaxFileBytes)
}

// decodeFile decodes the documents of one file's contents. Nothing it returns refers to data. A
// document that cannot be read (not YAML, not an object, a kind under an API version the catalog cannot
// judge, or not fitting its kind's type) is an error of its own, with its line, and the file's other
// documents are still read; a stream that cannot be split into documents fails the whole file.
func decodeFile(path string, data []byte) (r fileResult) {
	r.skipped = map[string]int{}
	docs, err := splitDocuments(data)
	if err != nil {
		return fileResult{err: err}
	}
	var parser fastyaml.Parser
	r.objs = make([]Object, 0, len(docs))
	for i, d := range docs {
		doc := i + 1
		if len(bytes.Trim(d.data, yamlWhitespace)) == 0 {
			continue
		}
		line := d.contentLine()
		docError := func(err error) {
			r.docErrors = append(r.docErrors, FileError{Path: path, Line: line, Err: fmt.Sprintf("document %d: %v", doc, err)})
		}
		add := func(o Object, class docClass) {
			o.Line = line
			switch class {
			case classObject:
				r.objs = append(r.objs, o)
			case classConfig:
				r.configs = append(r.configs, o)
			case classUnjudgeable:
				docError(unjudgeableError(o.GVK))
			default:
				r.skipped[o.GVK.GroupKind().String()]++ // a kind kubeharden does not inspect
			}
		}
		if useHeadScan {
			if gvk, ok := headScan(d.data); ok {
				add(Object{GVK: gvk}, classOther)
				continue
			}
		}
		var fastErr error
		if useBlockReader {
			obj, class, ok, err := readBlockStyle(&parser, path, doc, d.data)
			if ok {
				add(obj, class)
				continue
			}
			fastErr = err
		}
		var u unstructured.Unstructured
		if err := yaml.Unmarshal(d.data, &u.Object); err != nil {
			var top any
			if yaml.Unmarshal(d.data, &top) == nil {
				docError(fmt.Errorf("not a Kubernetes object: a %s, not a mapping with apiVersion and kind", yamlKind(top)))
			} else {
				docError(fmt.Errorf("not YAML: %w", err))
			}
			continue
		}
		if u.Object == nil {
			continue // a document of comments only
		}
		if u.GetKind() == "" && isK3sConfig(u.Object) {
			add(NewObject(path, K3sConfigGVK, &u), classConfig)
			continue
		}
		if u.GetKind() == "" && isSeccompProfile(u.Object) {
			add(NewObject(path, SeccompProfileGVK, &u), classOther)
			continue
		}
		items := []unstructured.Unstructured{u}
		if u.IsList() {
			list, err := u.ToList()
			if err != nil {
				docError(err)
				continue
			}
			items = list.Items
		}
		itemLines := d.itemLines(len(items))
		for n, item := range items {
			if itemLines != nil {
				line = itemLines[n]
			}
			if item.GetKind() == "" {
				docError(errors.New("has no kind"))
				continue
			}
			gvk := item.GroupVersionKind()
			if gvk.Group == KubeadmGroup { // kubeadm's types are not importable: kept unstructured
				add(NewObject(path, gvk, &item), classConfig)
				continue
			}
			typed, class := newTyped(gvk)
			if class == classOther || class == classUnjudgeable {
				add(Object{GVK: gvk}, class)
				continue
			}
			if err := runtimeFromUnstructured(item.Object, typed); err != nil {
				if fastErr != nil {
					err = fastErr // it names the field
				}
				r.docErrors = append(r.docErrors, documentError(path, doc, line, item.GetKind(), item.GetName(), err))
				continue
			}
			add(NewObject(path, gvk, typed), class)
		}
	}
	return r
}
