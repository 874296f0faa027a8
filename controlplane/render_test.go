package controlplane

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime/schema"
	auditinternal "k8s.io/apiserver/pkg/apis/audit"
	"k8s.io/apiserver/pkg/audit/policy"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/server/options/encryptionconfig"
	psaload "k8s.io/pod-security-admission/admission/api/load"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/pki"
)

// newTestKey returns a fresh 32-byte encryption key.
func newTestKey(t testing.TB, name string) EncryptionKey {
	t.Helper()
	k, err := NewEncryptionKey(name)
	require.NoError(t, err)
	return k
}

func testInputs(t testing.TB, root string) Inputs {
	t.Helper()
	p, err := config.Resolve(&config.Profile{ControlPlane: config.ControlPlane{Root: root}})
	require.NoError(t, err)
	b, err := pki.Generate(pki.Options{ServiceIP: "10.96.0.1"})
	require.NoError(t, err)
	return Inputs{Profile: p, PKI: b, EncryptionKeys: []EncryptionKey{newTestKey(t, "key-2")}}
}

func writeRendered(t *testing.T, in Inputs) map[string]File {
	t.Helper()
	files, err := Render(in)
	require.NoError(t, err)
	require.NoError(t, WriteFiles("/", files))
	out := map[string]File{}
	for _, f := range files {
		out[f.Path] = f
	}
	return out
}

func TestRenderedEncryptionConfigLoadsInTheAPIServersOwnLoader(t *testing.T) {
	root := t.TempDir()
	in := testInputs(t, root)
	in.EncryptionKeys = append(in.EncryptionKeys, newTestKey(t, "key-1"))
	in.Profile.ControlPlane.Encryption.AllowIdentityLast = true
	writeRendered(t, in)

	paths := Paths{Root: root}
	cfg, err := encryptionconfig.LoadEncryptionConfig(context.Background(), paths.EncryptionConfig(), false, "test")
	require.NoError(t, err)
	assert.Contains(t, cfg.Transformers, schema.GroupResource{Resource: "secrets"})
	assert.Len(t, cfg.Transformers, 1, "only secrets are encrypted by default")

	data, err := os.ReadFile(paths.EncryptionConfig())
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(data, &doc))
	providers := doc["resources"].([]any)[0].(map[string]any)["providers"].([]any)
	require.Len(t, providers, 2)
	assert.Contains(t, providers[0], "secretbox", "the first provider encrypts")
	keys := providers[0].(map[string]any)["secretbox"].(map[string]any)["keys"].([]any)
	assert.Equal(t, "key-2", keys[0].(map[string]any)["name"], "keys stay in the order given: the first encrypts")
	assert.Equal(t, map[string]any{"identity": map[string]any{}}, providers[1], "identity only last")
	assert.Equal(t, "k8s:enc:secretbox:v1:key-2:", StoragePrefix(in.Profile.ControlPlane.Encryption, in.EncryptionKeys))
}

func TestRenderedAuditPolicyLoadsAndNeverLogsSecretBodies(t *testing.T) {
	root := t.TempDir()
	writeRendered(t, testInputs(t, root))
	pol, err := policy.LoadPolicyFromFile(Paths{Root: root}.AuditPolicy())
	require.NoError(t, err)
	assert.Equal(t, []auditinternal.Stage{auditinternal.StageRequestReceived}, pol.OmitStages)

	eval := policy.NewPolicyRuleEvaluator(pol)
	level := func(u, group, verb, apiGroup, resource, ns string) auditinternal.Level {
		attrs := authorizer.AttributesRecord{
			User: &user.DefaultInfo{Name: u, Groups: []string{group}}, Verb: verb, Namespace: ns,
			APIGroup: apiGroup, APIVersion: "v1", Resource: resource, ResourceRequest: true,
		}
		return eval.EvaluatePolicyRule(attrs).Level
	}
	cases := []struct {
		name                                  string
		user, group, verb, apiGroup, resource string
		want                                  auditinternal.Level
	}{
		{"secret read", "alice", "dev", "get", "", "secrets", auditinternal.LevelMetadata},
		{"secret write", "alice", "dev", "create", "", "secrets", auditinternal.LevelMetadata},
		{"configmap write", "system:kube-controller-manager", "system:authenticated", "update", "", "configmaps", auditinternal.LevelMetadata},
		{"token review", "system:kube-apiserver", "system:masters", "create", "authentication.k8s.io", "tokenreviews", auditinternal.LevelMetadata},
		{"role binding", "alice", "dev", "create", "rbac.authorization.k8s.io", "rolebindings", auditinternal.LevelRequestResponse},
		{"webhook config", "alice", "dev", "delete", "admissionregistration.k8s.io", "validatingwebhookconfigurations", auditinternal.LevelRequestResponse},
		{"kube-proxy watch", "system:kube-proxy", "system:authenticated", "watch", "", "endpoints", auditinternal.LevelNone},
		{"event list", "alice", "dev", "list", "", "events", auditinternal.LevelNone},
		{"pod create", "alice", "dev", "create", "", "pods", auditinternal.LevelRequest},
		{"pod read", "alice", "dev", "get", "", "pods", auditinternal.LevelMetadata},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, level(tc.user, tc.group, tc.verb, tc.apiGroup, tc.resource, "team-a"))
		})
	}
}

func TestRenderedAdmissionConfigCarriesThePodSecurityDefaults(t *testing.T) {
	root := t.TempDir()
	writeRendered(t, testInputs(t, root))
	data, err := os.ReadFile(Paths{Root: root}.AdmissionConfig())
	require.NoError(t, err)
	var doc struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Plugins    []struct {
			Name          string         `json:"name"`
			Path          string         `json:"path"`
			Configuration map[string]any `json:"configuration"`
		} `json:"plugins"`
	}
	require.NoError(t, yaml.UnmarshalStrict(data, &doc))
	assert.Equal(t, "apiserver.config.k8s.io/v1", doc.APIVersion)
	assert.Equal(t, "AdmissionConfiguration", doc.Kind)
	require.Len(t, doc.Plugins, 1)
	assert.Equal(t, "PodSecurity", doc.Plugins[0].Name)
	raw, err := yaml.Marshal(doc.Plugins[0].Configuration)
	require.NoError(t, err)
	psa, err := psaload.LoadFromData(raw)
	require.NoError(t, err, "the PodSecurity plugin's own loader accepts it")
	assert.Equal(t, "restricted", string(psa.Defaults.Enforce))
	assert.Equal(t, "v1.36", psa.Defaults.EnforceVersion)
	assert.Equal(t, []string{"kube-system"}, psa.Exemptions.Namespaces)
}

func TestRenderModesAndSecrecy(t *testing.T) {
	root := t.TempDir()
	in := testInputs(t, root)
	files := writeRendered(t, in)
	paths := Paths{Root: root}
	for _, f := range files {
		holdsKey := strings.Contains(f.Content, "PRIVATE KEY") || strings.Contains(f.Content, "client-key-data") ||
			strings.Contains(f.Content, in.EncryptionKeys[0].Secret)
		assert.Equal(t, holdsKey, f.Sensitive, "%s: sensitive exactly when it holds a key", f.Path)
		if holdsKey {
			assert.Equal(t, os.FileMode(0o600), f.Mode, f.Path)
		}
		fi, err := os.Stat(f.Path)
		require.NoError(t, err)
		assert.Equal(t, f.Mode, fi.Mode().Perm(), f.Path)
	}
	for _, p := range []string{paths.CAKey(), paths.EtcdCAKey(), paths.ServiceAccountKey(), paths.EncryptionConfig(), paths.AdminKubeconfig()} {
		assert.True(t, files[p].Sensitive, p)
	}
	assert.False(t, files[paths.AuditPolicy()].Sensitive)
	assert.Equal(t, filepath.Join(root, "pki", "etcd", "ca.crt"), paths.EtcdCACert())
}

func TestRenderRefusesBadSecretInputs(t *testing.T) {
	cases := []struct {
		name   string
		change func(in *Inputs)
		want   string
	}{
		{"short key", func(in *Inputs) {
			in.EncryptionKeys[0].Secret = base64.StdEncoding.EncodeToString([]byte("sixteen bytes!!!"))
		},
			"encryptionKeys[0].secret: Invalid value: \"<secret>\": must be 32 bytes of base64, is 16 bytes"},
		{"not base64", func(in *Inputs) { in.EncryptionKeys[0].Secret = "not base64!" },
			"encryptionKeys[0].secret: Invalid value: \"<secret>\": must be base64"},
		{"no keys", func(in *Inputs) { in.EncryptionKeys = nil },
			"encryptionKeys: Required value: the secretbox provider needs at least one key"},
		{"duplicate key name", func(in *Inputs) { in.EncryptionKeys = append(in.EncryptionKeys, in.EncryptionKeys[0]) },
			"encryptionKeys[1].name: Duplicate value: \"key-2\""},
		{"mismatched CA", func(in *Inputs) {
			other, err := pki.Generate(pki.Options{})
			require.NoError(t, err)
			in.PKI.EtcdCA.Key = other.EtcdCA.Key
		}, "pki.etcdCA.key: Invalid value: \"<secret>\": does not belong to the certificate etcd-ca"},
		{"expired", func(in *Inputs) { in.Now = time.Now().Add(400 * 24 * time.Hour) },
			"pki.apiServer.cert: Invalid value: \"kube-apiserver\": expired on"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := testInputs(t, t.TempDir())
			tc.change(&in)
			_, err := Render(in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "PRIVATE KEY", "no key material in the message")
		})
	}
}

func TestFlagsCarryTheCISSettings(t *testing.T) {
	in := testInputs(t, "/etc/kubernetes")
	api := APIServerArgs(in.Profile)
	for k, v := range map[string]string{
		"anonymous-auth": "false", "authorization-mode": "Node,RBAC", "enable-admission-plugins": "NodeRestriction",
		"profiling": "false", "service-account-lookup": "true", "kubelet-certificate-authority": "/etc/kubernetes/pki/ca.crt",
		"etcd-cafile": "/etc/kubernetes/pki/etcd/ca.crt", "encryption-provider-config": "/etc/kubernetes/encryption-config.yaml",
		"audit-log-maxage": "30", "audit-log-maxbackup": "10", "audit-log-maxsize": "100", "tls-min-version": "VersionTLS12",
	} {
		assert.Equal(t, v, api[k], k)
	}
	assert.NotContains(t, api, "token-auth-file")
	assert.NotContains(t, api["enable-admission-plugins"], "AlwaysAdmit")

	etcd := EtcdArgs(in.Profile, EtcdMember{Name: "m", DataDir: "/var/lib/etcd", ClientURL: "https://127.0.0.1:2379", PeerURL: "https://127.0.0.1:2380"})
	for k, v := range map[string]string{"client-cert-auth": "true", "peer-client-cert-auth": "true", "auto-tls": "false", "peer-auto-tls": "false",
		"trusted-ca-file": "/etc/kubernetes/pki/etcd/ca.crt"} {
		assert.Equal(t, v, etcd[k], k)
	}
	cm := ControllerManagerArgs(in.Profile)
	assert.Equal(t, "127.0.0.1", cm["bind-address"])
	assert.Equal(t, "true", cm["use-service-account-credentials"])
	assert.Equal(t, "false", SchedulerArgs(in.Profile)["profiling"])
	assert.Equal(t, "--anonymous-auth=false", api.Flags()[2])
}

func TestRenderRefusesACertificateThatMissesAProfileSAN(t *testing.T) {
	in := testInputs(t, t.TempDir())
	in.Profile.ControlPlane.APIServer.SANs = []string{"api.example.com", "10.0.0.10"}
	_, err := Render(in)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `pki.apiServer.cert: Invalid value: "api.example.com": the API server certificate does not cover this name`)
	assert.Contains(t, err.Error(), `pki.apiServer.cert: Invalid value: "10.0.0.10"`)

	in.PKI, err = pki.Generate(pki.Options{SANs: []string{"api.example.com", "10.0.0.10"}})
	require.NoError(t, err)
	_, err = Render(in)
	require.NoError(t, err)
}

// TestRenderShipsTheSeccompAuditProfileWhenAsked: the audit profile lands in the kubelet's seccomp
// folder, where pods name it, only when the profile asks; its one rule is to log and allow.
func TestRenderShipsTheSeccompAuditProfileWhenAsked(t *testing.T) {
	in := testInputs(t, "/etc/kubernetes")
	files, err := Render(in)
	require.NoError(t, err)
	for _, f := range files {
		assert.NotContains(t, f.Path, "seccomp")
	}
	in.Profile.ControlPlane.Kubelet.SeccompAuditProfile = true
	files, err = Render(in)
	require.NoError(t, err)
	var found []File
	for _, f := range files {
		if strings.Contains(f.Path, "seccomp") {
			found = append(found, f)
		}
	}
	require.Len(t, found, 1)
	assert.Equal(t, "/var/lib/kubelet/seccomp/"+contract.SeccompAuditProfile, found[0].Path)
	var profile map[string]any
	require.NoError(t, json.Unmarshal([]byte(found[0].Content), &profile))
	assert.Equal(t, map[string]any{"defaultAction": "SCMP_ACT_LOG"}, profile)
}

// TestTheAuditWebhookKubeconfigIsMutualTLS: with a webhook, the API server's kubeconfig for it (read by
// client-go's own loader) names the receiver's CA (the cluster CA, or the profile's webhookCA) and the
// PKI's client certificate to it, and is written 0600 as the secret it holds; the receiver's serving
// certificate is rendered beside the PKI where the PKI issued it. A PKI made before the webhook was set
// is refused with what to do.
func TestTheAuditWebhookKubeconfigIsMutualTLS(t *testing.T) {
	root := t.TempDir()
	in := testInputs(t, root)
	in.Profile.ControlPlane.Audit.WebhookServer = "https://127.0.0.1:8443/audit"
	_, err := Render(in)
	assert.ErrorContains(t, err, "holds no audit webhook certificates: it was made before the webhook was set; make it again with `kubeharden pki init --replace`")

	in.PKI, err = pki.Generate(pki.Options{ServiceIP: "10.96.0.1", AuditWebhookSANs: []string{"127.0.0.1"}})
	require.NoError(t, err)
	files := writeRendered(t, in)
	paths := Paths{Root: root}
	kc := files[paths.AuditWebhookKubeconfig()]
	assert.True(t, kc.Sensitive)
	assert.Equal(t, fs.FileMode(0o600), kc.Mode)
	cfg, err := clientcmd.LoadFromFile(paths.AuditWebhookKubeconfig())
	require.NoError(t, err)
	cluster := cfg.Clusters[cfg.Contexts[cfg.CurrentContext].Cluster]
	assert.Equal(t, "https://127.0.0.1:8443/audit", cluster.Server)
	assert.Equal(t, in.PKI.ClusterCA.Cert, string(cluster.CertificateAuthorityData))
	user := cfg.AuthInfos[cfg.Contexts[cfg.CurrentContext].AuthInfo]
	assert.Equal(t, in.PKI.AuditWebhookClient.Cert, string(user.ClientCertificateData))
	assert.Equal(t, in.PKI.AuditWebhookClient.Key, string(user.ClientKeyData))
	assert.Equal(t, in.PKI.AuditWebhookServer.Cert, files[paths.AuditWebhookServerCert()].Content)
	assert.True(t, files[paths.AuditWebhookServerKey()].Sensitive)

	siemCA := in.PKI.FrontProxyCA.Cert // any CA will do
	in.Profile.ControlPlane.Audit.WebhookCA = siemCA
	files = writeRendered(t, in)
	cfg, err = clientcmd.LoadFromFile(paths.AuditWebhookKubeconfig())
	require.NoError(t, err)
	assert.Equal(t, siemCA, string(cfg.Clusters[cfg.Contexts[cfg.CurrentContext].Cluster].CertificateAuthorityData))
	assert.NotContains(t, files, paths.AuditWebhookServerCert(), "the SIEM's receiver has a certificate of its own")
}
