package manifests

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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

// decodeConfig decodes a control-plane configuration document, reporting false for a kind that is not one.
func decodeConfig(path string, u *unstructured.Unstructured) (Object, bool, error) {
	gvk := u.GroupVersionKind()
	if gvk.Group == KubeadmGroup {
		return Object{Path: path, GVK: gvk, Name: u.GetName(), Obj: u}, true, nil
	}
	obj, err := ConfigScheme.New(gvk)
	if err != nil {
		return Object{}, false, nil
	}
	if err := runtimeFromUnstructured(u.Object, obj); err != nil {
		return Object{}, true, err
	}
	return Object{Path: path, GVK: gvk, Name: u.GetName(), Obj: obj}, true, nil
}
