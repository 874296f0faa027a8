package controlplane

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	apiserverv1 "k8s.io/apiserver/pkg/apis/apiserver/v1"

	"github.com/kubeharden/kubeharden/config"
)

// EncryptionKey is one key of a local encryption provider. Secret is 32 random bytes, base64.
type EncryptionKey struct {
	Name   string `json:"name"`
	Secret string `json:"secret"`
}

// EncryptionKeyBytes is the length of every encryption key.
const EncryptionKeyBytes = 32

// ValidateEncryptionKeys checks the keys of a local provider: at least one, unique names, each secret 32
// bytes of base64. The first key encrypts; the others only decrypt (during rotation).
func ValidateEncryptionKeys(provider string, keys []EncryptionKey, path *field.Path) field.ErrorList {
	if provider == "kms" {
		return nil
	}
	var errs field.ErrorList
	if len(keys) == 0 {
		return field.ErrorList{field.Required(path, "the "+provider+" provider needs at least one key; generate one with `kubeharden encryption-key`")}
	}
	seen := map[string]bool{}
	for i, k := range keys {
		kp := path.Index(i)
		if msgs := validation.IsDNS1123Subdomain(k.Name); len(msgs) > 0 {
			errs = append(errs, field.Invalid(kp.Child("name"), k.Name, msgs[0]))
		}
		if seen[k.Name] {
			errs = append(errs, field.Duplicate(kp.Child("name"), k.Name))
		}
		seen[k.Name] = true
		raw, err := base64.StdEncoding.DecodeString(k.Secret)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(kp.Child("secret"), "<secret>", "must be base64"))
		case len(raw) != EncryptionKeyBytes:
			errs = append(errs, field.Invalid(kp.Child("secret"), "<secret>", fmt.Sprintf("must be %d bytes of base64, is %d bytes", EncryptionKeyBytes, len(raw))))
		}
	}
	return errs
}

// EncryptionConfig builds the API server's EncryptionConfiguration: the profile's provider first (never
// identity), with the keys in order (the first encrypts), and identity last only while migrating.
func EncryptionConfig(enc config.Encryption, keys []EncryptionKey) *apiserverv1.EncryptionConfiguration {
	var first apiserverv1.ProviderConfiguration
	apiKeys := make([]apiserverv1.Key, len(keys))
	for i, k := range keys {
		apiKeys[i] = apiserverv1.Key{Name: k.Name, Secret: k.Secret}
	}
	switch enc.Provider {
	case "aescbc":
		first.AESCBC = &apiserverv1.AESConfiguration{Keys: apiKeys}
	case "aesgcm":
		first.AESGCM = &apiserverv1.AESConfiguration{Keys: apiKeys}
	case "secretbox":
		first.Secretbox = &apiserverv1.SecretboxConfiguration{Keys: apiKeys}
	case "kms":
		first.KMS = &apiserverv1.KMSConfiguration{APIVersion: "v2", Name: enc.KMS.Name, Endpoint: enc.KMS.Endpoint}
	}
	providers := []apiserverv1.ProviderConfiguration{first}
	if enc.AllowIdentityLast {
		providers = append(providers, apiserverv1.ProviderConfiguration{Identity: &apiserverv1.IdentityConfiguration{}})
	}
	c := &apiserverv1.EncryptionConfiguration{
		Resources: []apiserverv1.ResourceConfiguration{{Resources: append([]string(nil), enc.Resources...), Providers: providers}},
	}
	c.APIVersion = "apiserver.config.k8s.io/v1"
	c.Kind = "EncryptionConfiguration"
	return c
}

// StoragePrefix is how etcd values written under the first key begin: k8s:enc:<provider>:v1:<key>:.
func StoragePrefix(enc config.Encryption, keys []EncryptionKey) string {
	if enc.Provider == "kms" {
		return "k8s:enc:kms:v2:" + enc.KMS.Name + ":"
	}
	return "k8s:enc:" + enc.Provider + ":v1:" + keys[0].Name + ":"
}

// NewEncryptionKey returns a key of 32 random bytes from crypto/rand.
func NewEncryptionKey(name string) (EncryptionKey, error) {
	raw := make([]byte, EncryptionKeyBytes)
	if _, err := rand.Read(raw); err != nil {
		return EncryptionKey{}, fmt.Errorf("generating encryption key %s: %w", name, err)
	}
	return EncryptionKey{Name: name, Secret: base64.StdEncoding.EncodeToString(raw)}, nil
}
