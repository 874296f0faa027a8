package live

import (
	"context"
	"fmt"
	"path"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

// Snapshot is what Read listed.
type Snapshot struct {
	// Server is the API server's URL.
	Server string
	// Objects are the listed objects, with their kinds set.
	Objects []manifests.Object
	// Errors are the kinds that could not be listed (for example, forbidden to the identity used).
	Errors []manifests.FileError
}

// listed are the kinds the catalog inspects (manifests.JudgedKinds), each with its resource. Secrets are
// not among them: checking needs no secret.
var listed = []struct {
	gvk      schema.GroupVersionKind
	resource string
}{
	{corev1.SchemeGroupVersion.WithKind("Namespace"), "namespaces"},
	{networkingv1.SchemeGroupVersion.WithKind("NetworkPolicy"), "networkpolicies"},
	{corev1.SchemeGroupVersion.WithKind("ResourceQuota"), "resourcequotas"},
	{corev1.SchemeGroupVersion.WithKind("LimitRange"), "limitranges"},
	{corev1.SchemeGroupVersion.WithKind("Service"), "services"},
	{corev1.SchemeGroupVersion.WithKind("ServiceAccount"), "serviceaccounts"},
	{corev1.SchemeGroupVersion.WithKind("PodTemplate"), "podtemplates"},
	{rbacv1.SchemeGroupVersion.WithKind("Role"), "roles"},
	{rbacv1.SchemeGroupVersion.WithKind("ClusterRole"), "clusterroles"},
	{rbacv1.SchemeGroupVersion.WithKind("RoleBinding"), "rolebindings"},
	{rbacv1.SchemeGroupVersion.WithKind("ClusterRoleBinding"), "clusterrolebindings"},
	{corev1.SchemeGroupVersion.WithKind("Pod"), "pods"},
	{corev1.SchemeGroupVersion.WithKind("ReplicationController"), "replicationcontrollers"},
	{appsv1.SchemeGroupVersion.WithKind("Deployment"), "deployments"},
	{appsv1.SchemeGroupVersion.WithKind("DaemonSet"), "daemonsets"},
	{appsv1.SchemeGroupVersion.WithKind("StatefulSet"), "statefulsets"},
	{appsv1.SchemeGroupVersion.WithKind("ReplicaSet"), "replicasets"},
	{batchv1.SchemeGroupVersion.WithKind("Job"), "jobs"},
	{batchv1.SchemeGroupVersion.WithKind("CronJob"), "cronjobs"},
	{admissionregistrationv1.SchemeGroupVersion.WithKind("ValidatingAdmissionPolicy"), "validatingadmissionpolicies"},
	{admissionregistrationv1.SchemeGroupVersion.WithKind("ValidatingAdmissionPolicyBinding"), "validatingadmissionpolicybindings"},
}

// listPath is the URL path that lists a resource across all namespaces.
func listPath(gv schema.GroupVersion, resource string) string {
	if gv.Group == "" {
		return path.Join("/api", gv.Version, resource)
	}
	return path.Join("/apis", gv.Group, gv.Version, resource)
}

// Kinds are the kinds Read lists, which the identity it uses must be allowed to list cluster-wide.
func Kinds() []string {
	out := make([]string, len(listed))
	for i, l := range listed {
		out[i] = l.gvk.Kind
	}
	return out
}

// Config reads a kubeconfig.
func Config(kubeconfig string) (*rest.Config, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	return cfg, nil
}

// NewClient is a REST client for cfg's cluster that reads and writes the built-in kinds of
// manifests.Scheme as JSON. (client-go's clientset knows every API group, and registering them all
// would cost every kubeharden command, a check of files included, time at start.)
func NewClient(cfg *rest.Config) (rest.Interface, error) {
	c := rest.CopyConfig(cfg)
	c.NegotiatedSerializer = serializer.NewCodecFactory(manifests.Scheme).WithoutConversion()
	c.ContentType = runtime.ContentTypeJSON
	if c.UserAgent == "" {
		c.UserAgent = rest.DefaultKubernetesUserAgent()
	}
	if c.QPS == 0 { // kubectl's rate rather than client-go's default of 5 requests a second
		c.QPS, c.Burst = 50, 100
	}
	return rest.UnversionedRESTClientFor(c)
}

// Read lists the cluster's objects of the kinds the catalog inspects, through a kubeconfig; it only reads.
// A kind it may not list is reported in Errors and the rest are still read; a cluster it cannot reach
// at all is an error.
func Read(ctx context.Context, kubeconfig string) (*Snapshot, error) {
	cfg, err := Config(kubeconfig)
	if err != nil {
		return nil, err
	}
	client, err := NewClient(cfg)
	if err != nil {
		return nil, err
	}
	return read(ctx, client, cfg.Host)
}

func read(ctx context.Context, client rest.Interface, server string) (*Snapshot, error) {
	s := &Snapshot{Server: server}
	for _, l := range listed {
		list, err := manifests.Scheme.New(l.gvk.GroupVersion().WithKind(l.gvk.Kind + "List"))
		if err != nil {
			return nil, err
		}
		if err := client.Get().AbsPath(listPath(l.gvk.GroupVersion(), l.resource)).Do(ctx).Into(list); err != nil {
			if apierrors.IsForbidden(err) || apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) {
				s.Errors = append(s.Errors, manifests.FileError{Path: server + " " + l.gvk.Kind, Err: err.Error()})
				continue
			}
			return nil, fmt.Errorf("listing %s at %s: %w", l.gvk.Kind, server, err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil, err
		}
		for _, item := range items {
			item.GetObjectKind().SetGroupVersionKind(l.gvk)
			s.Objects = append(s.Objects, manifests.NewObject("", l.gvk, item))
		}
	}
	return s, nil
}
