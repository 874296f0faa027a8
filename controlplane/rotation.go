package controlplane

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
)

// Key rotation, the supported steps (each followed by a restart of every API server):
//
//  1. AddKey: the new key goes in second place. Every API server can now decrypt with it, none writes
//     with it yet, so servers restarted at different times never meet data they cannot read.
//  2. PromoteKey: the new key moves to the first place; from now on writes use it.
//  3. RewriteSecrets: every Secret is read and written back unchanged, so etcd holds it under the new key.
//  4. RemoveKey: the old key goes. Nothing in etcd needs it any more.

// AddKey returns keys with k in second place. The first key stays the one that encrypts.
func AddKey(keys []EncryptionKey, k EncryptionKey) ([]EncryptionKey, error) {
	if len(keys) == 0 {
		return []EncryptionKey{k}, nil
	}
	for _, have := range keys {
		if have.Name == k.Name {
			return nil, fmt.Errorf("adding encryption key: a key named %q is already configured", k.Name)
		}
	}
	out := []EncryptionKey{keys[0], k}
	return append(out, keys[1:]...), nil
}

// PromoteKey returns keys with the named key first.
func PromoteKey(keys []EncryptionKey, name string) ([]EncryptionKey, error) {
	for i, k := range keys {
		if k.Name == name {
			out := []EncryptionKey{k}
			out = append(out, keys[:i]...)
			return append(out, keys[i+1:]...), nil
		}
	}
	return nil, fmt.Errorf("promoting encryption key: no key named %q; configured: %s", name, KeyNames(keys))
}

// RemoveKey returns keys without the named key. The encrypting (first) key cannot be removed.
func RemoveKey(keys []EncryptionKey, name string) ([]EncryptionKey, error) {
	if len(keys) > 0 && keys[0].Name == name {
		return nil, fmt.Errorf("removing encryption key: %q encrypts new writes; promote another key first", name)
	}
	for i, k := range keys {
		if k.Name == name {
			out := append([]EncryptionKey(nil), keys[:i]...)
			return append(out, keys[i+1:]...), nil
		}
	}
	return nil, fmt.Errorf("removing encryption key: no key named %q; configured: %s", name, KeyNames(keys))
}

// RewriteSecrets writes every Secret of the cluster back unchanged, so that the API server stores it
// under its current first key; client is a REST client for the built-in kinds (live.NewClient). It
// returns how many it rewrote. A Secret changed by someone else while it runs (a conflict) is left to
// that writer, who wrote it under the new key already, and one deleted meanwhile needs no rewrite.
func RewriteSecrets(ctx context.Context, client rest.Interface) (int, error) {
	n := 0
	next := ""
	for {
		var list corev1.SecretList
		req := client.Get().AbsPath("/api/v1/secrets").Param("limit", "500")
		if next != "" {
			req = req.Param("continue", next)
		}
		if err := req.Do(ctx).Into(&list); err != nil {
			return n, fmt.Errorf("listing secrets: %w", err)
		}
		for i := range list.Items {
			s := &list.Items[i]
			err := client.Put().AbsPath("/api/v1/namespaces", s.Namespace, "secrets", s.Name).Body(s).Do(ctx).Error()
			switch {
			case apierrors.IsConflict(err) || apierrors.IsNotFound(err):
				continue
			case err != nil:
				return n, fmt.Errorf("rewriting secret %s/%s: %w", s.Namespace, s.Name, err)
			}
			n++
		}
		if list.Continue == "" {
			return n, nil
		}
		next = list.Continue
	}
}

// KeyNames lists the keys' names in order, "none" for no keys.
func KeyNames(keys []EncryptionKey) string {
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += ", "
		}
		s += k.Name
	}
	if s == "" {
		return "none"
	}
	return s
}
