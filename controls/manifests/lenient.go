package manifests

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
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
	reader := utilyaml.NewYAMLReader(bufioReader(data))
	for doc := 1; ; doc++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("document %d: %w", doc, err)
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var u unstructured.Unstructured
		if err := yaml.Unmarshal(raw, &u.Object); err != nil {
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
			obj, err := Scheme.New(gvk)
			if err != nil {
				cfg, isConfig, err := decodeConfig(path, &item)
				switch {
				case err != nil:
					return nil, nil, nil, fmt.Errorf("document %d: %s: %w", doc, gvk.Kind, err)
				case isConfig:
					configs = append(configs, cfg)
				default:
					skipped[gvk.GroupKind().String()]++ // a kind kubeharden does not inspect
				}
				continue
			}
			if err := runtimeFromUnstructured(item.Object, obj); err != nil {
				return nil, nil, nil, fmt.Errorf("document %d: %s %s: %w", doc, item.GetKind(), item.GetName(), err)
			}
			objs = append(objs, Object{Path: path, GVK: gvk, Namespace: item.GetNamespace(), Name: item.GetName(), Obj: obj})
		}
	}
	return objs, configs, skipped, nil
}
