package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
			assert.Nil(t, p)
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
