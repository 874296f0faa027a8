package manifests

import (
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/kubeharden/kubeharden/controls/internal/parallel"
)

// A workload decoded into its types weighs several times its JSON (its pod template's structs, maps
// and pointers), and a check of thousands of workloads that held them all at once would spend most of
// its time on that memory. So the fast reader decodes only the metadata of the kinds in deferredKinds
// and keeps their JSON; Object.Typed decodes the whole object each time a control asks, and the control
// lets it go once judged. Each workload is so decoded about once, not twice.
//
// A deferred document that does not decode into its type is dropped by the controls that ask for it
// and reported by DeferredErrors, which also decodes those no control asked for: each such document is
// an error for its file, as a document the general reader cannot decode is.

// deferredKinds always carry a pod template. (A ReplicationController's is optional: it is decoded at
// once.)
var deferredKinds = map[schema.GroupVersionKind]bool{
	corev1.SchemeGroupVersion.WithKind("Pod"):         true,
	corev1.SchemeGroupVersion.WithKind("PodTemplate"): true,
	appsv1.SchemeGroupVersion.WithKind("Deployment"):  true,
	appsv1.SchemeGroupVersion.WithKind("DaemonSet"):   true,
	appsv1.SchemeGroupVersion.WithKind("StatefulSet"): true,
	appsv1.SchemeGroupVersion.WithKind("ReplicaSet"):  true,
	batchv1.SchemeGroupVersion.WithKind("Job"):        true,
	batchv1.SchemeGroupVersion.WithKind("CronJob"):    true,
}

// deferredDecode is a deferred object's document.
type deferredDecode struct {
	doc  int // the document's number in its file
	meta metav1.ObjectMeta
	json []byte

	mu      sync.Mutex
	decoded bool  // it has decoded
	err     error // why it does not decode
}

// newDeferredObject keeps a document of a deferred kind as a copy of its JSON, with its metadata; ok is
// false when the metadata does not decode (the general reader then reports it).
func newDeferredObject(path string, doc int, gvk schema.GroupVersionKind, data []byte) (_ Object, ok bool) {
	d := &deferredDecode{doc: doc}
	head := struct {
		Metadata *metav1.ObjectMeta `json:"metadata"`
	}{&d.meta}
	if decodeJSON(data, &head) != nil {
		return Object{}, false
	}
	d.json = append([]byte(nil), data...)
	return Object{Path: path, GVK: gvk, Namespace: d.meta.Namespace, Name: d.meta.Name, deferred: d, runsPods: true}, true
}

// decode decodes the whole document as the fast reader does, or, when that fails, as the general reader
// does (through unstructured), so that it decodes exactly when the document read whole would have. It
// returns nil, and keeps the JSON decoder's error, when neither can.
func (d *deferredDecode) decode(gvk schema.GroupVersionKind) kruntime.Object {
	obj, _ := newTyped(gvk)
	err := decodeJSON(d.json, obj)
	if err != nil {
		obj, _ = newTyped(gvk)
		var u map[string]any
		if utiljson.Unmarshal(d.json, &u) == nil && runtimeFromUnstructured(u, obj) == nil {
			err = nil
		}
		// else the JSON decoder's error, which names the field: "/spec/replicas"
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil {
		d.err = err
		return nil
	}
	d.decoded = true
	return obj
}

// DeferredErrors decodes the deferred objects no control has asked for, and reports each deferred
// object that does not decode, in order, as an error for its file.
func DeferredErrors(objs []Object) []FileError {
	var pending []int
	for i, o := range objs {
		if d := o.deferred; d != nil {
			d.mu.Lock()
			if !d.decoded && d.err == nil {
				pending = append(pending, i)
			}
			d.mu.Unlock()
		}
	}
	parallel.For(len(pending), func(k int) {
		i := pending[k]
		objs[i].deferred.decode(objs[i].GVK)
	})
	var errs []FileError
	for _, o := range objs {
		if d := o.deferred; d != nil {
			d.mu.Lock()
			if d.err != nil {
				errs = append(errs, documentError(o.Path, d.doc, o.Line, o.GVK.Kind, o.Name, d.err))
			}
			d.mu.Unlock()
		}
	}
	return errs
}

// Undecodable is true for a deferred workload that was decoded and did not fit its type: an error of its
// file (DeferredErrors), not an object checked.
func (o Object) Undecodable() bool {
	d := o.deferred
	if d == nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err != nil
}
