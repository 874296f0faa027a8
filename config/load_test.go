package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

func writeProfile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profile.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

func TestLoadReadsFileStackAndEnvironmentInOrder(t *testing.T) {
	file := writeProfile(t, `
kubernetesVersion: "1.34.1"
podSecurity:
  warn: baseline
tenants:
  - name: team-a
    quota:
      limitsCPU: 4
      requestsCPU: 0.5
`)
	stack := map[string]any{"podSecurity": map[string]any{"warn": "restricted", "audit": "baseline"}}
	env := []string{"KUBEHARDEN_KUBERNETESVERSION=1.35.0", "KUBEHARDEN_PODSECURITY_AUDIT=privileged", "UNRELATED=1"}

	p, err := Load(Sources{File: file, Stack: stack, Environ: env})
	require.NoError(t, err)
	assert.Equal(t, "1.35.0", p.KubernetesVersion, "the environment overrides the file")
	assert.Equal(t, "restricted", p.PodSecurity.Warn, "the stack config overrides the file")
	assert.Equal(t, "privileged", p.PodSecurity.Audit, "the environment overrides the stack config")
	assert.Equal(t, "v1.35", p.PodSecurity.Version, "defaults are filled after every source is read")
	require.Len(t, p.Tenants, 1)
	assert.Equal(t, "4", p.Tenants[0].Quota.LimitsCPU, "a YAML number is a quantity")
	assert.Equal(t, "0.5", p.Tenants[0].Quota.RequestsCPU)
	assert.Equal(t, "2Gi", p.Tenants[0].Quota.LimitsMemory)
}

func TestLoadRefusesBadInput(t *testing.T) {
	cases := []struct {
		name  string
		file  string
		stack map[string]any
		env   []string
		want  string
	}{
		{name: "unknown top-level key", file: "tenant:\n  - name: a\n",
			want: `tenant: Unsupported value: "tenant": supported values: "kubernetesVersion", "podSecurity", "dns", "tenants", "logging", "guardrails", "rbac", "controlPlane"`},
		{name: "word where a number belongs", file: "controlPlane:\n  audit:\n    maxAge: a month\n",
			want: `controlPlane.audit.maxAge: Invalid value: "a month": must be a whole number`},
		{name: "audit retention below CIS", env: []string{"KUBEHARDEN_CONTROLPLANE_AUDIT_MAXAGE=7"},
			want: `controlPlane.audit.maxAge: Invalid value: 7: must be at least 30 days (CIS 1.2.17)`},
		{name: "unknown nested key", file: "tenants:\n  - name: a\n    quota:\n      cpu: 1\n",
			want: `tenants[0].quota.cpu: Unsupported value: "cpu": supported values: "requestsCPU", "requestsMemory", "limitsCPU", "limitsMemory", "pods"`},
		{name: "list where a map belongs", file: "podSecurity: [restricted]\n",
			want: `podSecurity: Invalid value: ["restricted"]: must be a map`},
		{name: "string where a list belongs", file: "tenants: team-a\n",
			want: `tenants: Invalid value: "team-a": must be a list`},
		{name: "map where a value belongs", file: "tenants:\n  - name: {first: a}\n",
			want: `tenants[0].name: Invalid value: {"first":"a"}: must be a single value, not a list or a map`},
		{name: "unknown level from the stack", stack: map[string]any{"podSecurity": map[string]any{"enforce": "strict"}},
			want: `podSecurity.enforce: Unsupported value: "strict": supported values: "privileged", "baseline", "restricted"`},
		{name: "bad version from the environment", env: []string{"KUBEHARDEN_KUBERNETESVERSION=1.12"},
			want: `kubernetesVersion: Invalid value: "1.12": kubeharden supports Kubernetes >= 1.31, < 1.38`},
		{name: "key with a dot (found by FuzzLoadProfileFile)", file: ".: 1\ntenants.x: 2\n",
			want: `profile: Invalid value: ".": unknown key: a profile's keys are words such as tenants or podSecurity`},
		{name: "duplicate tenant", file: "tenants:\n  - name: a\n  - name: a\n",
			want: `tenants[1].name: Duplicate value: "a (also tenants[0].name)"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := Sources{Stack: tc.stack, Environ: append([]string{}, tc.env...)}
			if tc.file != "" {
				src.File = writeProfile(t, tc.file)
			}
			p, err := Load(src)
			require.Error(t, err)
			assert.True(t, p.IsZero())
			assert.ErrorIs(t, err, ErrInvalidProfile)
			assert.Contains(t, err.Error(), "\n  - "+tc.want)
		})
	}
}

func TestLoadReportsUnreadableFile(t *testing.T) {
	_, err := Load(Sources{File: filepath.Join(t.TempDir(), "missing.yaml"), Environ: []string{}})
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrInvalidProfile)
	assert.Contains(t, err.Error(), "reading profile file")
}

// TestLoadReadsTheVersionedProfile: apiVersion and kind may be written (and must then be the profile's)
// or left out, as every profile written before them does; either way the profile carries them.
func TestLoadReadsTheVersionedProfile(t *testing.T) {
	p, err := Load(Sources{File: writeProfile(t, "apiVersion: kubeharden.io/v1alpha1\nkind: Profile\ntenants:\n  - name: a\n"), Environ: []string{}})
	require.NoError(t, err)
	assert.Equal(t, APIVersion, p.APIVersion)
	assert.Equal(t, Kind, p.Kind)

	p, err = Load(Sources{File: writeProfile(t, "tenants:\n  - name: a\n"), Environ: []string{}})
	require.NoError(t, err, "a profile of before apiVersion loads unchanged")
	assert.Equal(t, APIVersion, p.APIVersion)

	_, err = Load(Sources{File: writeProfile(t, "apiVersion: kubeharden.io/v2\nkind: Policy\n"), Environ: []string{}})
	require.ErrorIs(t, err, ErrInvalidProfile)
	assert.Contains(t, err.Error(), `apiVersion: Unsupported value: "kubeharden.io/v2": supported values: "kubeharden.io/v1alpha1"`)
	assert.Contains(t, err.Error(), `kind: Unsupported value: "Policy": supported values: "Profile"`)
}

// TestLoadDecodesStrictly: keys are case-sensitive (the message names the right spelling), every
// unknown key is reported, a duplicate key is refused, and a value of the wrong type deep in a list is
// located by its index.
func TestLoadDecodesStrictly(t *testing.T) {
	_, err := Load(Sources{File: writeProfile(t, "kubernetesversion: 1.36.3\ntenants:\n  - name: a\n    quota:\n      limitscpu: 2\n"), Environ: []string{}})
	require.ErrorIs(t, err, ErrInvalidProfile)
	assert.Contains(t, err.Error(), "2 problem(s)")
	assert.Contains(t, err.Error(), `kubernetesversion: Unsupported value: "kubernetesversion": supported values: `)
	assert.Contains(t, err.Error(), `; keys are case-sensitive: write kubernetesVersion`)
	assert.Contains(t, err.Error(), `tenants[0].quota.limitscpu: Unsupported value: "limitscpu"`)
	assert.Contains(t, err.Error(), `write limitsCPU`)

	_, err = Load(Sources{File: writeProfile(t, "tenants:\n  - name: a\n    name: b\n"), Environ: []string{}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"name" already set`)

	_, err = Load(Sources{Stack: map[string]any{"tenants": []any{map[string]any{"name": "a"}, map[string]any{"name": "b", "access": map[string]any{"allowExec": "sometimes"}}}}, Environ: []string{}})
	require.ErrorIs(t, err, ErrInvalidProfile)
	assert.Contains(t, err.Error(), `tenants[1].access.allowExec: Invalid value: "sometimes": must be true or false`)
}

// TestLoadReadsValuesAsYAMLAndPulumiWriteThem: a number where text belongs is its text, and text that
// spells a number or a boolean is that value, wherever it is (here in a list and a map of strings).
func TestLoadReadsValuesAsYAMLAndPulumiWriteThem(t *testing.T) {
	p, err := Load(Sources{Stack: map[string]any{
		"dns":          map[string]any{"podLabels": map[string]any{"k8s-app": "kube-dns", "tier": 1}},
		"tenants":      []any{map[string]any{"name": "a", "access": map[string]any{"allowExec": "true"}, "quota": map[string]any{"pods": 30}}},
		"controlPlane": map[string]any{"audit": map[string]any{"maxAge": "45"}},
	}, Environ: []string{}})
	require.NoError(t, err)
	assert.Equal(t, "1", p.DNS.PodLabels["tier"])
	assert.True(t, p.Tenants[0].Access.AllowExec)
	assert.Equal(t, "30", p.Tenants[0].Quota.Pods)
	assert.Equal(t, 45, p.ControlPlane.Audit.MaxAge)
}

// TestLoadTakesOnlyTheListedEnvironment: the variables of EnvOverrides apply, typed as their fields, from
// the process environment too; any other KUBEHARDEN_ variable changes nothing.
func TestLoadTakesOnlyTheListedEnvironment(t *testing.T) {
	p, err := Load(Sources{Environ: []string{"KUBEHARDEN_LOGGING_ENABLED=true", "KUBEHARDEN_GUARDRAILS_ENGINE=gatekeeper", "KUBEHARDEN_DNS_NAMESPACE=dns"}})
	require.NoError(t, err)
	assert.False(t, p.Logging.Enabled, "not a listed variable")
	assert.Equal(t, NativeEngine, p.Guardrails.Engine, "not a listed variable")
	assert.Equal(t, "dns", p.DNS.Namespace)

	_, err = Load(Sources{Environ: []string{"KUBEHARDEN_CONTROLPLANE_AUDIT_MAXAGE=a month"}})
	require.ErrorIs(t, err, ErrInvalidProfile)
	assert.Contains(t, err.Error(), `controlPlane.audit.maxAge: Invalid value: "a month": must be a whole number (from KUBEHARDEN_CONTROLPLANE_AUDIT_MAXAGE)`)

	t.Setenv("KUBEHARDEN_KUBERNETESVERSION", "1.35.2")
	t.Setenv("KUBEHARDEN_CONTROLPLANE_AUDIT_MAXAGE", "60")
	p, err = Load(Sources{Stack: map[string]any{"kubernetesVersion": "1.34.0"}})
	require.NoError(t, err)
	assert.Equal(t, "1.35.2", p.KubernetesVersion, "the process environment overrides the stack")
	assert.Equal(t, 60, p.ControlPlane.Audit.MaxAge)

	p, err = Load(Sources{Stack: map[string]any{"kubernetesVersion": "1.34.0"}, Environ: []string{}})
	require.NoError(t, err)
	assert.Equal(t, "1.34.0", p.KubernetesVersion, "an empty environment is no environment")
}

// TestTheStacksOfTodayLoadUnchanged: both stack settings files of the repository load as they are.
func TestTheStacksOfTodayLoadUnchanged(t *testing.T) {
	for _, name := range []string{"Pulumi.dev.yaml", "Pulumi.cluster.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "stacks", name))
		require.NoError(t, err)
		var settings struct {
			Config map[string]any `json:"config"`
		}
		require.NoError(t, yaml.Unmarshal(data, &settings))
		profile, ok := settings.Config["kubeharden:profile"].(map[string]any)
		require.True(t, ok, name)
		p, err := Load(Sources{Stack: profile, Environ: []string{}})
		require.NoError(t, err, name)
		assert.Equal(t, APIVersion, p.APIVersion, name)
	}
}

// TestResolveLeavesTheCallerAlone: Resolve defaults and validates a copy; resolving again changes
// nothing.
func TestResolveLeavesTheCallerAlone(t *testing.T) {
	in := &Profile{Tenants: []Tenant{{Name: "a"}}, Guardrails: Guardrails{Actions: map[string]string{"imageTag": "Warn"}}}
	out, err := Resolve(in)
	require.NoError(t, err)
	assert.Empty(t, in.Tenants[0].Quota.Pods)
	assert.Len(t, in.Guardrails.Actions, 1)
	assert.Equal(t, "20", out.Tenants[0].Quota.Pods)
	again, err := Resolve(out.Profile())
	require.NoError(t, err)
	assert.Equal(t, out.Profile(), again.Profile())
	assert.NotSame(t, out.Profile(), out.Profile(), "a copy each time: nothing writes the resolved profile")
	_, err = Resolve(&Profile{APIVersion: "v1"})
	assert.ErrorContains(t, err, `apiVersion: Unsupported value: "v1"`)
}

// TestLoadRefusesHostileFiles: a value of 100,000 characters is named by its head and its length; a YAML
// bomb, a nesting thousands deep and a file of megabytes are refused without exhausting the machine.
func TestLoadRefusesHostileFiles(t *testing.T) {
	long := strings.Repeat("a", 100_000)
	_, err := Load(Sources{File: writeProfile(t, "tenants:\n  - name: "+long+"\n"), Environ: []string{}})
	require.ErrorIs(t, err, ErrInvalidProfile)
	assert.Contains(t, err.Error(), `tenants[0].name: Invalid value: "`+strings.Repeat("a", 80)+`… (100000 characters)"`)
	assert.Less(t, len(err.Error()), 2_000, "the message is cut to a readable length")

	_, err = Load(Sources{Stack: map[string]any{"tenants": []any{map[string]any{"name": "a", long: 1}}}, Environ: []string{}})
	require.ErrorIs(t, err, ErrInvalidProfile)
	assert.Contains(t, err.Error(), "(100011 characters)", "an unknown key of 100,000 characters is cut in the path")
	assert.Less(t, len(err.Error()), 2_000)

	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	for i, prev := 'b', 'a'; i <= 'k'; i, prev = i+1, i {
		bomb += fmt.Sprintf("%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", i, i, prev, prev, prev, prev, prev, prev, prev, prev, prev)
	}
	_, err = Load(Sources{File: writeProfile(t, bomb), Environ: []string{}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "parsing profile file")

	deep := strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000)
	_, err = Load(Sources{File: writeProfile(t, "tenants: "+deep+"\n"), Environ: []string{}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "parsing profile file")

	_, err = Load(Sources{File: writeProfile(t, "# "+strings.Repeat("x", MaxProfileFileSize)+"\n"), Environ: []string{}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "larger than 1048576 bytes")
}
