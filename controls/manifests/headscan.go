package manifests

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubeharden/kubeharden/controls/manifests/fastyaml"
)

// Most of a release bundle's bytes are CustomResourceDefinitions and custom resources, which no control
// inspects. headScan reads only what a document says of itself at its top level, so that such a
// document costs a scan of its lines, not a parse: it is counted as a skipped kind and never decoded.
//
// It answers only where the top level is certain: every line that starts in column 0 is a plain key
// ("name:"), exactly one of them is apiVersion and one kind, each with a plain one-word value that the
// next line does not continue (it starts in column 0), and no
// line opens a quoted scalar or a flow collection that it does not close (the only YAML constructs that
// may continue on a line less indented than themselves, where a line that looks like a top-level key
// could be inside a string). Anything else (a List, anchors, tags, flow style, JSON, a kind any scheme
// knows) goes to the readers that parse the whole document. What headScan skips is not checked for
// YAML errors below its top level: no control reads it.

// headScan returns the kind of a document whose kind no control inspects, and true; false when it is
// not sure (fastyaml.ScanHead), or the kind is one a reader must decode.
func headScan(doc []byte) (schema.GroupVersionKind, bool) {
	if av, k, ok := fastyaml.PeekHead(doc); ok && decodedKind(av, k) {
		return schema.GroupVersionKind{}, false // a Deployment, say: no need to scan all of it first
	}
	av, k, ok := fastyaml.ScanHead(doc)
	if !ok || decodedKind(av, k) {
		return schema.GroupVersionKind{}, false
	}
	gv, _ := schema.ParseGroupVersion(av)
	return gv.WithKind(k), true
}

// decodedKind is true for a kind the readers decode (or a kubeadm configuration, or an apiVersion that
// does not parse): what headScan never skips.
func decodedKind(apiVersion, kind string) bool {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil || gv.Group == KubeadmGroup {
		return true
	}
	_, class := newTyped(gv.WithKind(kind))
	return class != classOther
}
