package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSetDefaultsProfileFillsOnlyZeroValues(t *testing.T) {
	p := &Profile{
		KubernetesVersion: "1.33.2",
		PodSecurity:       PodSecurity{Warn: "baseline"},
		Tenants:           []Tenant{{Name: "team-a", Quota: Quota{LimitsCPU: "8"}}},
	}
	SetDefaultsProfile(p)

	assert.Equal(t, "1.33.2", p.KubernetesVersion, "a set version is kept")
	assert.Equal(t, PodSecurity{Enforce: "restricted", Audit: "restricted", Warn: "baseline", Version: "v1.33"}, p.PodSecurity,
		"the PSA version is pinned to the cluster's minor and a set level is kept")
	assert.Equal(t, "8", p.Tenants[0].Quota.LimitsCPU)
	assert.Equal(t, "1", p.Tenants[0].Quota.RequestsCPU)
	assert.Equal(t, "500m", p.Tenants[0].LimitRange.DefaultRequestCPU)
	assert.Equal(t, "kube-system", p.DNS.Namespace)
	assert.Equal(t, map[string]string{"k8s-app": "kube-dns"}, p.DNS.PodLabels)

	again := *p
	SetDefaultsProfile(&again)
	assert.Equal(t, *p, again, "defaulting twice changes nothing")
}

func TestDefaultProfileIsValid(t *testing.T) {
	p := &Profile{Tenants: []Tenant{{Name: "team-a"}}}
	SetDefaultsProfile(p)
	require.Empty(t, ValidateProfile(p))
	assert.Equal(t, DefaultKubernetesVersion, p.KubernetesVersion)
	assert.Equal(t, "v1.36", p.PodSecurity.Version)
}

func TestEffectivePodSecurityInheritsUnsetFields(t *testing.T) {
	p := &Profile{Tenants: []Tenant{{Name: "legacy", PodSecurity: &PodSecurity{Enforce: "baseline", ExemptionReason: "vendor image runs as root"}}}}
	SetDefaultsProfile(p)
	got := p.EffectivePodSecurity(&p.Tenants[0])
	assert.Equal(t, PodSecurity{Enforce: "baseline", Audit: "restricted", Warn: "restricted", Version: "v1.36", ExemptionReason: "vendor image runs as root"}, got)
}
