package manifests

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Object is one manifest, decoded into its k8s.io/api type; or, for a workload the fast reader read,
// deferred: kept as its JSON and metadata until a control asks for it (see deferred.go).
type Object struct {
	// Path is the file the object came from, and Line the line its document's content starts on (0 for
	// an object of a live cluster). An object always starts in column 1.
	Path string
	Line int
	// GVK is the object's group, version and kind.
	GVK schema.GroupVersionKind
	// Namespace and Name identify the object.
	Namespace, Name string

	typed    runtime.Object // nil for a deferred object
	deferred *deferredDecode
	// runsPods is true when PodTemplate finds a pod template in the object.
	runsPods bool
}

// NewObject wraps an object already decoded into its k8s.io/api type (or kept unstructured), read from
// path ("" for a live cluster).
func NewObject(path string, gvk schema.GroupVersionKind, obj runtime.Object) Object {
	o := Object{Path: path, GVK: gvk, typed: obj}
	if m, err := meta.Accessor(obj); err == nil {
		o.Namespace, o.Name = m.GetNamespace(), m.GetName()
	}
	_, _, o.runsPods = PodTemplate(obj)
	return o
}

// Typed is the object decoded into its k8s.io/api type (or unstructured, for a kubeadm or k3s
// configuration). Callers must not change it. A deferred object is decoded on every call, so hold the
// value only while it is needed; it is nil when the object does not decode, which DeferredErrors reports.
func (o Object) Typed() runtime.Object {
	if o.deferred != nil {
		return o.deferred.decode(o.GVK)
	}
	return o.typed
}

// RunsPods is true for an object with a pod template (see PodTemplate), without decoding it.
func (o Object) RunsPods() bool { return o.runsPods }

// Key is "Kind/namespace/name", or "Kind/name" for a cluster-scoped object. An object with no name but a
// generateName, such as a template, is named "<generateName>*".
func (o Object) Key() string {
	name := o.Name
	if name == "" {
		if m := o.Meta(); m != nil && m.GetGenerateName() != "" {
			name = m.GetGenerateName() + "*"
		}
	}
	if o.Namespace == "" {
		return o.GVK.Kind + "/" + name
	}
	return o.GVK.Kind + "/" + o.Namespace + "/" + name
}

// Meta is the object's metadata, without decoding a deferred object; nil when it has none.
func (o Object) Meta() metav1.Object {
	if o.deferred != nil {
		return &o.deferred.meta
	}
	m, _ := o.typed.(metav1.Object)
	return m
}

// Scheme knows the built-in kinds kubeharden renders.
var Scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, networkingv1.AddToScheme,
		rbacv1.AddToScheme, policyv1.AddToScheme, admissionregistrationv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

// PodTemplate returns the pod metadata and spec that a workload object runs, and false for an object that
// runs no pods.
func PodTemplate(obj runtime.Object) (*metav1.ObjectMeta, *corev1.PodSpec, bool) {
	switch o := obj.(type) {
	case *corev1.Pod:
		return &o.ObjectMeta, &o.Spec, true
	case *corev1.PodTemplate:
		return &o.Template.ObjectMeta, &o.Template.Spec, true
	case *corev1.ReplicationController:
		if o.Spec.Template == nil {
			return nil, nil, false
		}
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *appsv1.Deployment:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *appsv1.DaemonSet:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *appsv1.StatefulSet:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *appsv1.ReplicaSet:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *batchv1.Job:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *batchv1.CronJob:
		return &o.Spec.JobTemplate.Spec.Template.ObjectMeta, &o.Spec.JobTemplate.Spec.Template.Spec, true
	}
	return nil, nil, false
}
