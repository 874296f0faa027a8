package live

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// TestReadListsAndOnlyLists checks, on client-go's fake clientset, that Read sets each object's kind,
// keeps going past a kind it may not list, and makes no request but list. The real cluster is read in
// tests/e2e.
func TestReadListsAndOnlyLists(t *testing.T) {
	client := fake.NewClientset(
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "team-a"}},
		&rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "reader"}},
	)
	client.PrependReactor("list", "roles", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "roles"}, "", nil)
	})
	s, err := read(context.Background(), client, "https://test")
	require.NoError(t, err)
	keys := map[string]bool{}
	for _, o := range s.Objects {
		keys[o.Key()] = true
		assert.Equal(t, o.GVK, o.Typed().GetObjectKind().GroupVersionKind())
	}
	assert.Equal(t, map[string]bool{"Namespace/team-a": true, "Pod/team-a/web": true, "ClusterRole/reader": true}, keys)
	require.Len(t, s.Errors, 1)
	assert.Equal(t, "https://test Role", s.Errors[0].Path)
	for _, a := range client.Actions() {
		assert.Equal(t, "list", a.GetVerb(), "Read only lists: %v", a)
	}
	assert.Len(t, client.Actions(), len(Kinds()))
}
