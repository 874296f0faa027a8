package manifests

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	apiserverv1 "k8s.io/apiserver/pkg/apis/apiserver/v1"
	apiserverv1beta1 "k8s.io/apiserver/pkg/apis/apiserver/v1beta1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

// ConfigScheme knows the control-plane configuration files kubeharden renders and checks, with their
// upstream types: EncryptionConfiguration, AdmissionConfiguration and AuthenticationConfiguration
// (apiserver.config.k8s.io), the audit Policy (audit.k8s.io) and KubeletConfiguration
// (kubelet.config.k8s.io).
var ConfigScheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		apiserverv1.AddToScheme, apiserverv1beta1.AddToScheme, auditv1.AddToScheme, kubeletv1beta1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

// KubeadmGroup is the API group of kubeadm's configuration; its types live in k8s.io/kubernetes, which is
// not importable as a library, so kubeadm documents are kept unstructured.
const KubeadmGroup = "kubeadm.k8s.io"

// K3sConfigGVK names k3s's config.yaml, which has no kind of its own.
var K3sConfigGVK = schema.GroupVersionKind{Group: "k3s.cattle.io", Version: "config", Kind: "K3sConfig"}

// k3sKeys are keys only a k3s config.yaml has; a kindless document with one of them is read as one.
var k3sKeys = []string{"kube-apiserver-arg", "kube-controller-manager-arg", "kube-scheduler-arg", "kubelet-arg", "etcd-arg", "secrets-encryption", "write-kubeconfig-mode"}

// isK3sConfig is true for a kindless document with a key only a k3s config.yaml has.
func isK3sConfig(doc map[string]any) bool {
	for _, k := range k3sKeys {
		if _, ok := doc[k]; ok {
			return true
		}
	}
	return false
}

// SeccompProfileGVK names a node's seccomp profile (the runc format the kubelet's Localhost profiles
// use, such as kubeharden's audit profile), which has no kind of its own: known, and not judged.
var SeccompProfileGVK = schema.GroupVersionKind{Group: "seccomp.security.linux", Version: "runc", Kind: "SeccompProfile"}

// seccompProfileKeys are the keys of a runc seccomp profile.
var seccompProfileKeys = map[string]bool{"defaultAction": true, "defaultErrnoRet": true, "architectures": true, "archMap": true,
	"syscalls": true, "flags": true, "listenerPath": true, "listenerMetadata": true}

// isSeccompProfile is true for a kindless document whose defaultAction is a seccomp action and whose
// keys are all a seccomp profile's.
func isSeccompProfile(doc map[string]any) bool {
	action, ok := doc["defaultAction"].(string)
	if !ok || !strings.HasPrefix(action, "SCMP_ACT_") {
		return false
	}
	for k := range doc {
		if !seccompProfileKeys[k] {
			return false
		}
	}
	return true
}

// docClass says where a decoded document goes.
type docClass int

const (
	classObject      docClass = iota // a kind the catalog inspects (Scheme)
	classConfig                      // a control-plane configuration document (ConfigScheme)
	classOther                       // any other kind: counted as skipped
	classUnjudgeable                 // a kind the catalog judges, under an API version it cannot read: an error
)

// JudgedKinds are the kinds of Scheme that a control of the catalog inspects. Each is read under its
// Scheme version only; judgedKinds maps its name to that version.
var JudgedKinds = []string{
	"Pod", "PodTemplate", "ReplicationController", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job", "CronJob",
	"Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "Service", "ServiceAccount",
	"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
}

// judgedKinds maps each of JudgedKinds to the version it is read under, such as Deployment to apps/v1;
// servingGroups are the built-in API groups they live in, with extensions, where several of them lived
// before Kubernetes 1.16.
var judgedKinds, servingGroups = func() (map[string]schema.GroupVersionKind, map[string]bool) {
	kinds, groups := map[string]schema.GroupVersionKind{}, map[string]bool{"extensions": true}
	for gvk := range Scheme.AllKnownTypes() {
		if slices.Contains(JudgedKinds, gvk.Kind) {
			kinds[gvk.Kind] = gvk
			groups[gvk.Group] = true
		}
	}
	if len(kinds) != len(JudgedKinds) {
		panic("manifests: a kind of JudgedKinds is not in Scheme")
	}
	return kinds, groups
}()

// unjudgeable is true for a kind the catalog judges under an API version it cannot read, such as a
// Deployment of extensions/v1beta1 (removed in Kubernetes 1.16) or a pre-release version: counting it as
// an unknown kind would pass a workload nobody looked at.
func unjudgeable(gvk schema.GroupVersionKind) bool {
	_, known := judgedKinds[gvk.Kind]
	return known && servingGroups[gvk.Group]
}

// unjudgeableError says what to do with a document of an unjudgeable kind.
func unjudgeableError(gvk schema.GroupVersionKind) error {
	want := judgedKinds[gvk.Kind]
	return fmt.Errorf("%s %s: kubeharden judges %s only as %s, the version current Kubernetes serves (this one is removed or pre-release); write it as %s",
		gvk.GroupVersion(), gvk.Kind, gvk.Kind, want.GroupVersion(), want.GroupVersion())
}

// newTyped returns an empty value of a kind's upstream type and where the document goes; nil for a kind
// neither scheme knows. Both readers, the fast one and the general one, sort documents through it.
func newTyped(gvk schema.GroupVersionKind) (runtime.Object, docClass) {
	if obj, err := Scheme.New(gvk); err == nil {
		return obj, classObject
	}
	if obj, err := ConfigScheme.New(gvk); err == nil {
		return obj, classConfig
	}
	if unjudgeable(gvk) {
		return nil, classUnjudgeable
	}
	return nil, classOther
}

// clusterScoped are the kinds of Scheme that belong to no namespace.
var clusterScoped = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true, "ComponentStatus": true,
	"ClusterRole": true, "ClusterRoleBinding": true,
	"ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true,
	"ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"MutatingAdmissionPolicy": true, "MutatingAdmissionPolicyBinding": true,
}

// Namespaced is true for a kind of Scheme that lives in a namespace.
func Namespaced(gvk schema.GroupVersionKind) bool { return !clusterScoped[gvk.Kind] }
