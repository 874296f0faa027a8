package live

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
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

// lister lists one kind across all namespaces.
type lister struct {
	kind string
	list func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error)
}

// listers are the kinds the catalog inspects. Secrets are not among them: checking needs no secret.
var listers = []lister{
	{"Namespace", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.CoreV1().Namespaces().List(ctx, o)
	}},
	{"NetworkPolicy", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.NetworkingV1().NetworkPolicies("").List(ctx, o)
	}},
	{"ResourceQuota", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.CoreV1().ResourceQuotas("").List(ctx, o)
	}},
	{"LimitRange", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.CoreV1().LimitRanges("").List(ctx, o)
	}},
	{"Role", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.RbacV1().Roles("").List(ctx, o)
	}},
	{"ClusterRole", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.RbacV1().ClusterRoles().List(ctx, o)
	}},
	{"RoleBinding", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.RbacV1().RoleBindings("").List(ctx, o)
	}},
	{"ClusterRoleBinding", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.RbacV1().ClusterRoleBindings().List(ctx, o)
	}},
	{"Pod", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.CoreV1().Pods("").List(ctx, o)
	}},
	{"ReplicationController", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.CoreV1().ReplicationControllers("").List(ctx, o)
	}},
	{"Deployment", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.AppsV1().Deployments("").List(ctx, o)
	}},
	{"DaemonSet", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.AppsV1().DaemonSets("").List(ctx, o)
	}},
	{"StatefulSet", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.AppsV1().StatefulSets("").List(ctx, o)
	}},
	{"ReplicaSet", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.AppsV1().ReplicaSets("").List(ctx, o)
	}},
	{"Job", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.BatchV1().Jobs("").List(ctx, o)
	}},
	{"CronJob", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.BatchV1().CronJobs("").List(ctx, o)
	}},
	{"ValidatingAdmissionPolicy", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.AdmissionregistrationV1().ValidatingAdmissionPolicies().List(ctx, o)
	}},
	{"ValidatingAdmissionPolicyBinding", func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (runtime.Object, error) {
		return c.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().List(ctx, o)
	}},
}

// Kinds are the kinds Read lists, which the identity it uses must be allowed to list cluster-wide.
func Kinds() []string {
	out := make([]string, len(listers))
	for i, l := range listers {
		out[i] = l.kind
	}
	return out
}

// Read lists the cluster's objects of the kinds the catalog inspects, through a kubeconfig; it only reads.
// A kind it may not list is reported in Errors and the rest are still read; a cluster it cannot reach
// at all is an error.
func Read(ctx context.Context, kubeconfig string) (*Snapshot, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return read(ctx, client, cfg.Host)
}

func read(ctx context.Context, client kubernetes.Interface, server string) (*Snapshot, error) {
	s := &Snapshot{Server: server}
	for _, l := range listers {
		list, err := l.list(ctx, client, metav1.ListOptions{})
		if err != nil {
			if apierrors.IsForbidden(err) || apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) {
				s.Errors = append(s.Errors, manifests.FileError{Path: server + " " + l.kind, Err: err.Error()})
				continue
			}
			return nil, fmt.Errorf("listing %s at %s: %w", l.kind, server, err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil, err
		}
		for _, item := range items {
			kinds, _, err := manifests.Scheme.ObjectKinds(item)
			if err != nil {
				return nil, err
			}
			item.GetObjectKind().SetGroupVersionKind(kinds[0])
			if _, err := meta.Accessor(item); err != nil {
				return nil, err
			}
			s.Objects = append(s.Objects, manifests.NewObject("", kinds[0], item))
		}
	}
	return s, nil
}
