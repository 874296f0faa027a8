package live

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

// TestReadListsAndOnlyLists serves Read over HTTP, as an API server would: it sets each object's kind,
// keeps going past a kind it may not list, and makes no request but a GET of each kind's list, across
// all namespaces. The real cluster is read in tests/e2e.
func TestReadListsAndOnlyLists(t *testing.T) {
	lists := map[string]any{
		"/api/v1/namespaces": &corev1.NamespaceList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "NamespaceList"},
			Items: []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}}},
		"/api/v1/pods": &corev1.PodList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PodList"},
			Items: []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "team-a"}}}},
		"/apis/rbac.authorization.k8s.io/v1/clusterroles": &rbacv1.ClusterRoleList{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleList"},
			Items: []rbacv1.ClusterRole{{ObjectMeta: metav1.ObjectMeta{Name: "reader"}}}},
		"/apis/rbac.authorization.k8s.io/v1/roles": apierrors.NewForbidden(schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "roles"}, "", nil).ErrStatus,
	}
	var mu sync.Mutex
	var requests []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		body, ok := lists[r.URL.Path]
		if !ok { // an empty list of the kind the path names
			for _, l := range listed {
				if listPath(l.gvk.GroupVersion(), l.resource) == r.URL.Path {
					body = map[string]any{"apiVersion": l.gvk.GroupVersion().String(), "kind": l.gvk.Kind + "List", "items": []any{}}
				}
			}
		}
		if status, isStatus := body.(metav1.Status); isStatus {
			status.APIVersion, status.Kind = "v1", "Status"
			w.WriteHeader(int(status.Code))
			body = status
		}
		require.NoError(t, json.NewEncoder(w).Encode(body))
	}))
	defer srv.Close()

	client, err := NewClient(&rest.Config{Host: srv.URL})
	require.NoError(t, err)
	s, err := read(context.Background(), client, srv.URL)
	require.NoError(t, err)
	keys := map[string]bool{}
	for _, o := range s.Objects {
		keys[o.Key()] = true
		assert.Equal(t, o.GVK, o.Typed().GetObjectKind().GroupVersionKind())
	}
	assert.Equal(t, map[string]bool{"Namespace/team-a": true, "Pod/team-a/web": true, "ClusterRole/reader": true}, keys)
	require.Len(t, s.Errors, 1)
	assert.Equal(t, srv.URL+" Role", s.Errors[0].Path)
	assert.Contains(t, s.Errors[0].Err, "forbidden")

	var want []string
	for _, l := range listed {
		want = append(want, "GET "+listPath(l.gvk.GroupVersion(), l.resource))
	}
	assert.Equal(t, want, requests, "Read only lists, each kind once")
	assert.Len(t, requests, len(Kinds()))
}

// TestReadListsWhatTheCatalogJudges: the live reader lists exactly the kinds a control judges, so that a
// control never sees a live cluster with a kind missing.
func TestReadListsWhatTheCatalogJudges(t *testing.T) {
	assert.ElementsMatch(t, manifests.JudgedKinds, Kinds())
}
