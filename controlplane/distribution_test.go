package controlplane

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/config"
)

func profileFor(t *testing.T, version string, change func(c *config.ControlPlane)) config.Resolved {
	t.Helper()
	p := &config.Profile{KubernetesVersion: version}
	if change != nil {
		change(&p.ControlPlane)
	}
	r, err := config.Resolve(p)
	require.NoError(t, err)
	return r
}

func TestKubeletConfigHasTheCISSettings(t *testing.T) {
	out, err := yaml.Marshal(KubeletConfig(profileFor(t, "1.36.3", nil)))
	require.NoError(t, err)
	var k kubeletv1beta1.KubeletConfiguration
	require.NoError(t, yaml.UnmarshalStrict(out, &k), "decodes strictly into the upstream type")
	assert.Equal(t, "KubeletConfiguration", k.Kind)
	assert.False(t, *k.Authentication.Anonymous.Enabled)
	assert.Equal(t, kubeletv1beta1.KubeletAuthorizationModeWebhook, k.Authorization.Mode)
	assert.Equal(t, "/etc/kubernetes/pki/ca.crt", k.Authentication.X509.ClientCAFile)
	assert.Equal(t, int32(0), k.ReadOnlyPort)
	assert.NotContains(t, string(out), "readOnlyPort", "0 is the file's default")
	assert.Equal(t, "5m0s", k.StreamingConnectionIdleTimeout.Duration.String())
	assert.True(t, *k.MakeIPTablesUtilChains)
	assert.True(t, k.RotateCertificates)
	assert.True(t, k.ServerTLSBootstrap)
	assert.True(t, *k.SeccompDefault)
	assert.Equal(t, int64(4096), *k.PodPidsLimit)
	assert.Equal(t, config.CISCipherSuites, k.TLSCipherSuites)
}

func TestKubeadmConfigCarriesTheFlagsAndMountsThePolicyFiles(t *testing.T) {
	p := profileFor(t, "1.36.3", func(c *config.ControlPlane) { c.APIServer.SANs = []string{"api.example.com"} })
	out, err := KubeadmConfig(p)
	require.NoError(t, err)
	docs := strings.Split(out, "---\n")
	require.Len(t, docs, 2)
	var cc kubeadmClusterConfiguration
	require.NoError(t, yaml.Unmarshal([]byte(docs[0]), &cc))
	assert.Equal(t, "kubeadm.k8s.io/v1beta4", cc.APIVersion)
	assert.Equal(t, "v1.36.3", cc.KubernetesVersion)
	assert.Equal(t, []string{"api.example.com"}, cc.APIServer.CertSANs)
	args := map[string]string{}
	for _, a := range cc.APIServer.ExtraArgs.([]any) {
		m := a.(map[string]any)
		args[m["name"].(string)] = m["value"].(string)
	}
	assert.Equal(t, "false", args["anonymous-auth"])
	assert.Equal(t, "/etc/kubernetes/encryption-config.yaml", args["encryption-provider-config"])
	var mounts []string
	for _, v := range cc.APIServer.ExtraVolumes {
		mounts = append(mounts, v.MountPath)
	}
	assert.ElementsMatch(t, []string{"/etc/kubernetes/encryption-config.yaml", "/etc/kubernetes/audit-policy.yaml",
		"/etc/kubernetes/admission-config.yaml", "/var/log/kubernetes/audit"}, mounts)
	var k kubeletv1beta1.KubeletConfiguration
	require.NoError(t, yaml.UnmarshalStrict([]byte(docs[1]), &k))
	assert.Equal(t, "KubeletConfiguration", k.Kind)
}

func TestK3sConfig(t *testing.T) {
	p := profileFor(t, "1.35.1", func(c *config.ControlPlane) { c.Distribution = "k3s" })
	out, err := K3sConfig(p)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(out), &doc))
	assert.Equal(t, true, doc["protect-kernel-defaults"])
	assert.Contains(t, doc["kube-apiserver-arg"], "anonymous-auth=false")
	assert.Contains(t, doc["kube-apiserver-arg"], "encryption-provider-config=/etc/kubernetes/encryption-config.yaml")
	assert.Contains(t, doc["kubelet-arg"], "pod-max-pids=4096")
	assert.Contains(t, doc["kube-scheduler-arg"], "profiling=false")

	in := testInputs(t, "/etc/kubernetes")
	in.Profile = p
	files, err := Render(in)
	require.NoError(t, err)
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	assert.Contains(t, paths, "/etc/rancher/k3s/config.yaml")
	assert.NotContains(t, paths, "/etc/kubernetes/kubeadm-config.yaml")
}

// TestK3sConfigFollowsK3sCISHardeningGuide holds the rendered config.yaml to the one the k3s CIS
// hardening guide (docs.k3s.io/security/hardening-guide, "Configuration for Kubernetes Components")
// gives: each of its settings, with its value where the guide fixes one. No k3s runs here to read it.
// Two differ on purpose: kubeharden encrypts Secrets with its own EncryptionConfiguration rather than
// k3s's secrets-encryption, and does not enable EventRateLimit (CIS 1.2.9, a manual item that needs a
// rate configuration of its own).
func TestK3sConfigFollowsK3sCISHardeningGuide(t *testing.T) {
	p := profileFor(t, "1.36.3", func(c *config.ControlPlane) { c.Distribution = "k3s" })
	out, err := K3sConfig(p)
	require.NoError(t, err)
	var doc struct {
		ProtectKernelDefaults bool     `json:"protect-kernel-defaults"`
		APIServer             []string `json:"kube-apiserver-arg"`
		ControllerManager     []string `json:"kube-controller-manager-arg"`
		Kubelet               []string `json:"kubelet-arg"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(out), &doc))
	args := func(list []string) map[string]string {
		m := map[string]string{}
		for _, a := range list {
			k, v, _ := strings.Cut(a, "=")
			m[k] = v
		}
		return m
	}
	assert.True(t, doc.ProtectKernelDefaults)
	api := args(doc.APIServer)
	for k, v := range map[string]string{
		"audit-log-maxage": "30", "audit-log-maxbackup": "10", "audit-log-maxsize": "100",
		"service-account-extend-token-expiration": "false",
		"admission-control-config-file":           "/etc/kubernetes/admission-config.yaml",
		"audit-log-path":                          p.ControlPlane.Audit.LogPath,
		"audit-policy-file":                       "/etc/kubernetes/audit-policy.yaml",
		"encryption-provider-config":              "/etc/kubernetes/encryption-config.yaml", // for secrets-encryption: true
	} {
		assert.Equal(t, v, api[k], "kube-apiserver-arg %s", k)
	}
	assert.Contains(t, strings.Split(api["enable-admission-plugins"], ","), "NodeRestriction")
	assert.NotEmpty(t, args(doc.ControllerManager)["terminated-pod-gc-threshold"], "the guide sets one; its value is the cluster's choice")
	kubelet := args(doc.Kubelet)
	assert.Equal(t, "5m", kubelet["streaming-connection-idle-timeout"])
	for _, suite := range strings.Split(kubelet["tls-cipher-suites"], ",") {
		assert.Contains(t, config.CISCipherSuites, suite, "the kubelet offers only strong suites")
	}
	assert.NotEmpty(t, kubelet["tls-cipher-suites"])
}

func TestVersionGating(t *testing.T) {
	oidc := func(c *config.ControlPlane) {
		c.OIDC = config.OIDC{IssuerURL: "https://login.example.com", Audiences: []string{"kubernetes"}}
	}
	cases := []struct {
		version       string
		apiVersion    string
		anonymousFile bool
	}{
		{"1.31.4", "apiserver.config.k8s.io/v1beta1", false},
		{"1.33.0", "apiserver.config.k8s.io/v1beta1", true},
		{"1.34.0", "apiserver.config.k8s.io/v1", true},
		{"1.36.3", "apiserver.config.k8s.io/v1", true},
	}
	for _, tc := range cases {
		t.Run(tc.version, func(t *testing.T) {
			p := profileFor(t, tc.version, oidc)
			authn := AuthenticationConfig(p)
			require.NotNil(t, authn)
			assert.Equal(t, tc.apiVersion, authn.APIVersion)
			assert.Equal(t, tc.anonymousFile, authn.Anonymous != nil)
			args := APIServerArgs(p)
			assert.Equal(t, "/etc/kubernetes/authentication-config.yaml", args["authentication-config"])
			_, flag := args["anonymous-auth"]
			assert.Equal(t, !tc.anonymousFile, flag, "anonymous is switched off by exactly one of the flag and the file")
			assert.Equal(t, "oidc:", *authn.JWT[0].ClaimMappings.Username.Prefix)
		})
	}
	assert.Nil(t, AuthenticationConfig(profileFor(t, "1.36.3", nil)), "no OIDC issuer, no AuthenticationConfiguration")
	_, flag := APIServerArgs(profileFor(t, "1.36.3", nil))["anonymous-auth"]
	assert.True(t, flag)
}
