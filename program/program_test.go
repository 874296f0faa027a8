package program

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/components/componenttest"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/pki"
	"github.com/kubeharden/kubeharden/stack"
)

// runStack runs the stack program under the mocks with the given kubeharden:* settings, handed to the
// program both as the mocks' config and as PULUMI_CONFIG, as the engine does.
func runStack(t *testing.T, settings map[string]string) (*componenttest.Recorder, error) {
	t.Helper()
	raw, err := json.Marshal(settings)
	require.NoError(t, err)
	t.Setenv(pulumi.EnvConfig, string(raw))
	t.Setenv(stack.RenderDirEnv, "")
	t.Setenv(stack.KubeconfigEnv, "")
	return componenttest.Run(Run, func(info *pulumi.RunInfo) { info.Config = settings })
}

func TestRunRendersTheProfileThroughARenderProvider(t *testing.T) {
	dir := t.TempDir()
	rec, err := runStack(t, map[string]string{
		"kubeharden:renderDir": filepath.Join(dir, "out"),
		"kubeharden:profile":   `{"tenants":[{"name":"team-a"},{"name":"team-b"}]}`,
	})
	require.NoError(t, err)

	providers := rec.ByType("pulumi:providers:kubernetes")
	require.Len(t, providers, 1)
	assert.Equal(t, filepath.Join(dir, "out"), providers[0].Inputs["renderYamlToDirectory"].StringValue())
	assert.Len(t, rec.ByType("kubeharden:index:Baseline"), 1)
	assert.Len(t, rec.ByType("kubernetes:core/v1:Namespace"), 2)
}

func TestRunRefusesBadStackConfigBeforeRegisteringAnything(t *testing.T) {
	cases := []struct {
		name     string
		settings map[string]string
		want     string
	}{
		{"misspelt key", map[string]string{"kubeharden:renderDir": "out", "kubeharden:profil": `{}`},
			`stack config: kubeharden:profil: Unsupported value: "profil": supported values: "profile", "profileFile", "renderDir", "kubeconfig", "pki", "encryptionKeys"`},
		{"render and cluster at once", map[string]string{"kubeharden:renderDir": "out", "kubeharden:kubeconfig": "kc"},
			`stack config: kubeharden:renderDir and kubeharden:kubeconfig: Forbidden: set one`},
		{"missing kubeconfig file", map[string]string{"kubeharden:kubeconfig": "/nonexistent/kubeconfig"},
			`stack config kubeharden:kubeconfig: reading /nonexistent/kubeconfig`},
		{"pki without keys", map[string]string{"kubeharden:renderDir": "out", "kubeharden:pki": `{}`},
			`stack config: kubeharden:pki and kubeharden:encryptionKeys go together`},
		{"short encryption key", map[string]string{"kubeharden:renderDir": "out", "kubeharden:pki": `{}`, "kubeharden:encryptionKeys": `[{"name":"k","secret":"c2hvcnQ="}]`},
			`encryptionKeys[0].secret: Invalid value: "<secret>": must be 32 bytes of base64, is 5 bytes`},
		{"profile is not an object", map[string]string{"kubeharden:renderDir": "out", "kubeharden:profile": `restricted`},
			`stack config kubeharden:profile: must be an object`},
		{"unknown profile key", map[string]string{"kubeharden:renderDir": "out", "kubeharden:profile": `{"tenants":[{"name":"a","quotas":{}}]}`},
			`tenants[0].quotas: Unsupported value: "quotas"`},
		{"bad level", map[string]string{"kubeharden:renderDir": "out", "kubeharden:profile": `{"podSecurity":{"enforce":"high"}}`},
			`podSecurity.enforce: Unsupported value: "high": supported values: "privileged", "baseline", "restricted"`},
		{"no render dir", map[string]string{"kubeharden:profile": `{}`},
			`stack config kubeharden:renderDir or kubeharden:kubeconfig: Required value`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := runStack(t, tc.settings)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, rec.Resources(), "nothing is registered")
		})
	}
}

func TestPKIOptionsForTakeTheNamesFromTheProfile(t *testing.T) {
	p := &config.Profile{ControlPlane: config.ControlPlane{APIServer: config.APIServer{
		SANs: []string{"api.example.com"}, AdvertiseAddress: "10.0.0.5", ServiceClusterIPRange: "10.100.0.0/16",
	}}}
	r, err := config.Resolve(p)
	require.NoError(t, err)
	opts, err := stack.PKIOptionsFor(r, pki.Options{SANs: []string{"extra.example.com"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"api.example.com", "extra.example.com", "10.0.0.5"}, opts.SANs)
	assert.Equal(t, "10.100.0.1", opts.ServiceIP)
}
