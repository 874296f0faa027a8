package controlplane

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/kubeharden/kubeharden/controls/live"
)

func names(keys []EncryptionKey) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k.Name)
	}
	return out
}

func TestRotationSteps(t *testing.T) {
	old := []EncryptionKey{{Name: "key-1"}}
	added, err := AddKey(old, EncryptionKey{Name: "key-2"})
	require.NoError(t, err)
	assert.Equal(t, []string{"key-1", "key-2"}, names(added), "a new key goes second")

	promoted, err := PromoteKey(added, "key-2")
	require.NoError(t, err)
	assert.Equal(t, []string{"key-2", "key-1"}, names(promoted))

	dropped, err := RemoveKey(promoted, "key-1")
	require.NoError(t, err)
	assert.Equal(t, []string{"key-2"}, names(dropped))
	assert.Equal(t, []string{"key-1", "key-2"}, names(added), "the input is not modified")

	_, err = AddKey(promoted, EncryptionKey{Name: "key-1"})
	assert.EqualError(t, err, `adding encryption key: a key named "key-1" is already configured`)
	_, err = RemoveKey(promoted, "key-2")
	assert.EqualError(t, err, `removing encryption key: "key-2" encrypts new writes; promote another key first`)
	_, err = PromoteKey(promoted, "key-9")
	assert.EqualError(t, err, `promoting encryption key: no key named "key-9"; configured: key-2, key-1`)
}

// TestRewriteSecretsOverHTTP serves RewriteSecrets as an API server would, two pages of Secrets: it puts
// each one back whole, as a Secret, at its own path; a Secret changed (409) or deleted (404) meanwhile is
// left alone; any other refusal stops it with the Secret named. The real rotation runs in tests/e2e.
func TestRewriteSecretsOverHTTP(t *testing.T) {
	secret := func(ns, name string) corev1.Secret {
		return corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, ResourceVersion: "7"}, Data: map[string][]byte{"k": []byte(name)}}
	}
	pages := map[string]corev1.SecretList{
		"":       {ListMeta: metav1.ListMeta{Continue: "page-2"}, Items: []corev1.Secret{secret("a", "kept"), secret("a", "changed")}},
		"page-2": {Items: []corev1.Secret{secret("b", "deleted"), secret("b", "refused")}},
	}
	refuse := map[string]*apierrors.StatusError{
		"/api/v1/namespaces/a/secrets/changed": apierrors.NewConflict(schema.GroupResource{Resource: "secrets"}, "changed", nil),
		"/api/v1/namespaces/b/secrets/deleted": apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, "deleted"),
		"/api/v1/namespaces/b/secrets/refused": apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, "refused", nil),
	}
	var mu sync.Mutex
	var puts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/api/v1/secrets":
			assert.Equal(t, "500", r.URL.Query().Get("limit"))
			list := pages[r.URL.Query().Get("continue")]
			list.APIVersion, list.Kind = "v1", "SecretList"
			assert.NoError(t, json.NewEncoder(w).Encode(list))
		case r.Method == http.MethodPut:
			body, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			var s corev1.Secret
			require.NoError(t, json.Unmarshal(body, &s))
			assert.Equal(t, "v1", s.APIVersion)
			assert.Equal(t, "Secret", s.Kind)
			assert.Equal(t, "/api/v1/namespaces/"+s.Namespace+"/secrets/"+s.Name, r.URL.Path)
			assert.Equal(t, []byte(s.Name), s.Data["k"], "written back unchanged")
			assert.Equal(t, "7", s.ResourceVersion, "so that a Secret changed meanwhile conflicts")
			mu.Lock()
			puts = append(puts, s.Namespace+"/"+s.Name)
			e, refused := refuse[r.URL.Path]
			mu.Unlock()
			if refused {
				status := e.ErrStatus
				status.APIVersion, status.Kind = "v1", "Status"
				w.WriteHeader(int(status.Code))
				assert.NoError(t, json.NewEncoder(w).Encode(status))
				return
			}
			assert.NoError(t, json.NewEncoder(w).Encode(s))
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	client, err := live.NewClient(&rest.Config{Host: srv.URL})
	require.NoError(t, err)

	n, err := RewriteSecrets(context.Background(), client)
	assert.Equal(t, 1, n, "only a/kept was rewritten before b/refused stopped it")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rewriting secret b/refused")
	assert.True(t, apierrors.IsForbidden(err))
	mu.Lock()
	assert.Equal(t, []string{"a/kept", "a/changed", "b/deleted", "b/refused"}, puts)
	delete(refuse, "/api/v1/namespaces/b/secrets/refused")
	mu.Unlock()
	n, err = RewriteSecrets(context.Background(), client)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "a/kept and b/refused; the changed and the deleted are left alone")
}
