package controls

import (
	"fmt"
	"iter"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

// Workload is one object that runs pods, decoded once for every control that judges workloads: its pod
// template's metadata and spec, and the field path of that spec in the object.
type Workload struct {
	manifests.Object
	// Pod is the pod template's metadata (the Pod's own, for a Pod).
	Pod *metav1.ObjectMeta
	// Spec is the pod template's spec, at SpecPath in the object ("spec.template.spec" for a
	// Deployment, "spec" for a Pod).
	Spec     *corev1.PodSpec
	SpecPath string
}

// ContainerRef is one container of a workload and its field path, such as
// "spec.template.spec.initContainers[0]".
type ContainerRef struct {
	*corev1.Container
	Path string
}

// Containers yields the workload's init containers and containers, in order, with their field paths.
// (Ephemeral containers are added to running pods by kubectl debug, never written in a manifest.)
func (w Workload) Containers() iter.Seq[ContainerRef] {
	return func(yield func(ContainerRef) bool) {
		for _, list := range []struct {
			field      string
			containers []corev1.Container
		}{{"initContainers", w.Spec.InitContainers}, {"containers", w.Spec.Containers}} {
			for i := range list.containers {
				if !yield(ContainerRef{&list.containers[i], fmt.Sprintf("%s.%s[%d]", w.SpecPath, list.field, i)}) {
					return
				}
			}
		}
	}
}

// Field is a field path below the pod spec, such as Field("serviceAccountName").
func (w Workload) Field(below string) string { return w.SpecPath + "." + below }

// finding is a finding on the workload (Evaluate stamps the control's ID).
func (w Workload) finding(field, message, remedy string) Finding {
	return Finding{Object: w.Key(), Path: w.Path, Field: field, Message: message, Remedy: remedy}
}

// evidence is the workload's evidence that a control is met.
func (w Workload) evidence(detail string) Evidence {
	return Evidence{Object: w.Key(), Path: w.Path, Detail: detail}
}

// podSpecPath is where each workload kind keeps its pod spec.
var podSpecPath = map[string]string{
	"Pod": "spec", "PodTemplate": "template.spec", "CronJob": "spec.jobTemplate.spec.template.spec",
	"Deployment": "spec.template.spec", "DaemonSet": "spec.template.spec", "StatefulSet": "spec.template.spec",
	"ReplicaSet": "spec.template.spec", "ReplicationController": "spec.template.spec", "Job": "spec.template.spec",
}

// judgedWorkloads are the inventory's objects that run pods and that no controller among the inputs
// made from another (an owner is judged in their place, so a finding is reported once), by index.
func (inv *Inventory) judgedWorkloads() []int {
	inv.workloadsOnce.Do(func() {
		for i, o := range inv.Objects {
			if o.RunsPods() && !inv.ownedByController(o) {
				inv.workloads = append(inv.workloads, i)
			}
		}
	})
	return inv.workloads
}

// workload decodes the inventory's object i as a Workload; false when it does not decode (it is then
// reported as an error of its file).
func (inv *Inventory) workload(i int) (Workload, bool) {
	o := inv.Objects[i]
	meta, spec, ok := manifests.PodTemplate(o.Typed())
	if !ok {
		return Workload{}, false
	}
	return Workload{Object: o, Pod: meta, Spec: spec, SpecPath: podSpecPath[o.GVK.Kind]}, true
}

// namespaceOf is the namespace an object is in: its own, or default where it names none (where kubectl
// would put it; `kubeharden check --namespace` sets it as `kubectl apply -n` does).
func namespaceOf(o manifests.Object) string {
	if o.Namespace == "" {
		return "default"
	}
	return o.Namespace
}

// lazy computes a value from the inventory once, on first use, for the checks that share it.
type lazy[T any] struct {
	once sync.Once
	v    T
}

func (l *lazy[T]) get(f func() T) T {
	l.once.Do(func() { l.v = f() })
	return l.v
}

// ownedByController is true for an object a controller in the inventory made from another, such as a
// Deployment's ReplicaSet or a ReplicaSet's Pod in a live cluster: the owner is checked, so the finding is
// reported once. An object whose owner is not in the inventory is checked itself.
func (inv *Inventory) ownedByController(o manifests.Object) bool {
	for _, ref := range o.Meta().GetOwnerReferences() {
		if ref.Controller != nil && *ref.Controller && inv.has(ref.Kind+"/"+o.Namespace+"/"+ref.Name) {
			return true
		}
	}
	return false
}

// has is true when the inventory holds an object with this key.
func (inv *Inventory) has(key string) bool {
	inv.keysOnce.Do(func() {
		inv.keys = make(map[string]bool, len(inv.Objects))
		for _, o := range inv.Objects {
			inv.keys[o.Key()] = true
		}
	})
	return inv.keys[key]
}
