package preview

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/controls/manifests"
	"github.com/kubeharden/kubeharden/internal/jsonmerge"
)

// Inputs are the documents the catalog judges, made from a preview's resources, and where each came from.
type Inputs struct {
	// Sources are the documents: a Kubernetes resource's object, named by its URN, or a control-plane
	// file of a ControlPlane component, named by its path.
	Sources []manifests.Source
	// URNs maps each source's name to the URN of the resource it came from.
	URNs map[string]string
	// Unreadable are the resources whose object the pack could not make (values not known until the
	// update runs, a type token it cannot read), by URN: never judged, and so never passed.
	Unreadable map[string]string
}

// componentTypes are the kubernetes provider's component resources: the objects they hold are
// resources of their own in the same preview.
var componentTypes = []string{"yaml", "helm.sh", "kustomize"}

// NewInputs turns resources into the documents the catalog judges: each Kubernetes resource into its
// object, as `kubectl apply` would send it, and each ControlPlane component's files into the file set.
// A value that is secret is judged as its plaintext, which never leaves the pack: findings name fields,
// not values.
//
// A patch resource (<Kind>Patch: server-side apply of some fields of an object, often one the cluster
// made) is judged as what it makes of its object: merged over that object where the preview holds it,
// else as an object of its own with only the fields it sets. Otherwise a NamespacePatch could lower a
// namespace's Pod Security level unseen.
func NewInputs(resources []Resource) Inputs {
	in := Inputs{URNs: map[string]string{}, Unreadable: map[string]string{}}
	var objects, patches []object
	for _, r := range resources {
		switch {
		case r.Type == contract.ControlPlaneType:
			in.addControlPlane(r)
		case strings.HasPrefix(r.Type, "kubernetes:"):
			o, ok := in.object(r)
			switch {
			case !ok:
			case strings.HasSuffix(o.kind(), "Patch"):
				o.m["kind"] = strings.TrimSuffix(o.kind(), "Patch")
				patches = append(patches, o)
			default:
				objects = append(objects, o)
			}
		}
	}
	for _, p := range patches {
		i := slices.IndexFunc(objects, func(o object) bool { return o.key() == p.key() })
		if i < 0 {
			objects = append(objects, p)
			continue
		}
		objects[i].m = jsonmerge.Merge(objects[i].m, p.m).(map[string]any)
		objects[i].patchedBy = append(objects[i].patchedBy, p.urn)
	}
	for _, o := range objects {
		data, err := json.Marshal(o.m)
		if err != nil {
			in.Unreadable[o.urn] = err.Error()
			continue
		}
		in.Sources = append(in.Sources, manifests.Source{Name: o.urn, Data: data})
		in.URNs[o.urn] = o.urn
		if n := len(o.patchedBy); n > 0 {
			in.URNs[o.urn] = o.patchedBy[n-1] // the patch decides the fields it sets: its change is judged
		}
	}
	return in
}

// object is a Kubernetes resource's object, as JSON values, and the URN it is named by.
type object struct {
	urn       string
	m         map[string]any
	patchedBy []string
}

func (o object) kind() string { k, _ := o.m["kind"].(string); return k }

// key is what names the object in the cluster: apiVersion, kind, namespace and name.
func (o object) key() string {
	meta, _ := o.m["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	name, _ := meta["name"].(string)
	return fmt.Sprintf("%v/%s/%s/%s", o.m["apiVersion"], o.kind(), ns, name)
}

// object is a Kubernetes resource, "kubernetes:<group>/<version>:<Kind>" ("core" for the core group),
// as its object; false for the provider's own component resources and what cannot be read (then in
// Unreadable).
func (in *Inputs) object(r Resource) (object, bool) {
	parts := strings.Split(r.Type, ":")
	if len(parts) != 3 {
		in.Unreadable[r.URN] = fmt.Sprintf("type %q: want kubernetes:<group>/<version>:<Kind>", r.Type)
		return object{}, false
	}
	group, version, ok := strings.Cut(parts[1], "/")
	if !ok || slices.Contains(componentTypes, group) {
		return object{}, false // the provider itself, or a component of it
	}
	apiVersion := group + "/" + version
	if group == "core" {
		apiVersion = version
	}
	obj, unknown := plain(r.Properties, "")
	if len(unknown) > 0 {
		in.Unreadable[r.URN] = "not known until the update runs: " + strings.Join(unknown, ", ") +
			"; judge what `pulumi up` renders with `kubeharden check`"
		return object{}, false
	}
	m, _ := obj.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	for k := range m {
		if strings.HasPrefix(k, "__") { // the provider's own bookkeeping, not the object
			delete(m, k)
		}
	}
	m["apiVersion"], m["kind"] = apiVersion, parts[2]
	return object{urn: r.URN, m: m}, true
}

// addControlPlane adds the YAML and JSON files of a ControlPlane component's files and sensitiveFiles
// outputs, each named by its path on the node, as the control-plane controls look files up.
func (in *Inputs) addControlPlane(r Resource) {
	for _, key := range []string{"files", "sensitiveFiles"} {
		v, ok := r.Properties[key]
		if !ok || v == nil {
			continue
		}
		files, unknown := plain(v, key)
		if len(unknown) > 0 {
			in.Unreadable[r.URN] = "not known until the update runs: " + strings.Join(unknown, ", ")
			return
		}
		list, _ := files.([]any)
		for _, f := range list {
			file, _ := f.(map[string]any)
			path, _ := file["path"].(string)
			content, _ := file["content"].(string)
			if path == "" || !manifests.IsManifestName(path) {
				continue // certificates and keys: no control reads them as documents
			}
			in.Sources = append(in.Sources, manifests.Source{Name: path, Data: []byte(content)})
			in.URNs[path] = r.URN
		}
	}
}

// plain is v without the top-level status (the cluster writes it), and the paths of the values not yet
// known.
func plain(v any, at string) (any, []string) {
	switch v := v.(type) {
	case Unknown:
		return nil, []string{at}
	case []any:
		var unknown []string
		out := make([]any, 0, len(v))
		for i, e := range v {
			x, u := plain(e, fmt.Sprintf("%s[%d]", at, i))
			out, unknown = append(out, x), append(unknown, u...)
		}
		return out, unknown
	case map[string]any:
		var unknown []string
		out := map[string]any{}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if at == "" && k == "status" {
				continue
			}
			child := k
			if at != "" {
				child = at + "." + k
			}
			x, u := plain(v[k], child)
			if x != nil {
				out[k] = x
			}
			unknown = append(unknown, u...)
		}
		return out, unknown
	case nil, bool, float64, string:
		return v, nil
	}
	return nil, []string{at + " (an asset, archive or resource reference)"}
}
