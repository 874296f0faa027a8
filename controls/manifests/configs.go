package manifests

import (
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

// docClass says where a decoded document goes.
type docClass int

const (
	classObject docClass = iota // a kind the catalog inspects (Scheme)
	classConfig                 // a control-plane configuration document (ConfigScheme)
	classOther                  // any other kind: counted as skipped
)

// newTyped returns an empty value of a kind's upstream type and where the document goes; nil for a kind
// neither scheme knows. Both readers, the fast one and the general one, sort documents through it.
func newTyped(gvk schema.GroupVersionKind) (runtime.Object, docClass) {
	if obj, err := Scheme.New(gvk); err == nil {
		return obj, classObject
	}
	if obj, err := ConfigScheme.New(gvk); err == nil {
		return obj, classConfig
	}
	return nil, classOther
}
