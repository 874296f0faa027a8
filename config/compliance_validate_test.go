package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExemptionWithoutReasonIsRefused(t *testing.T) {
	p, err := Load(Sources{Environ: []string{}, Stack: map[string]any{
		"compliance": map[string]any{"exemptions": []any{
			map[string]any{"control": "network-default-deny", "object": "Namespace/legacy"},
			map[string]any{"reason": "no control"},
			map[string]any{"control": "rbac-no-wildcards", "object": "[", "reason": "bad pattern"},
			map[string]any{"control": "rbac-no-wildcards", "object": "ClusterRole/vendor-*", "reason": "the vendor's operator; ticket SEC-12"},
		}},
	}})
	assert.True(t, p.IsZero())
	assert.ErrorIs(t, err, ErrInvalidProfile)
	assert.ErrorContains(t, err, "compliance.exemptions[0].reason: Required value: an exemption must say why")
	assert.ErrorContains(t, err, "compliance.exemptions[1].control: Required value")
	assert.ErrorContains(t, err, `compliance.exemptions[2].object: Invalid value: "["`)
	assert.NotContains(t, err.Error(), "exemptions[3]")
}

// TestExemptionsAreJudgedAsTheProfileIsResolved: an exemption without a reason, of a control the catalog
// does not have (a typo), or with a malformed pattern is refused with its field path and what is
// allowed, as the profile is loaded, before anything is read or created.
func TestExemptionsAreJudgedAsTheProfileIsResolved(t *testing.T) {
	_, err := Load(Sources{Stack: map[string]any{"compliance": map[string]any{"exemptions": []any{
		map[string]any{"control": "network-default-deny", "object": "Namespace/team"},
		map[string]any{"control": "no-such-control", "reason": "x"},
		map[string]any{"control": "rbac-no-wildcards", "object": "[", "reason": "x"},
		map[string]any{"control": "namespace-pod-securty", "reason": "r"},
	}}}, Environ: []string{}})
	require.ErrorIs(t, err, ErrInvalidProfile)
	assert.Contains(t, err.Error(), "compliance.exemptions[0].reason: Required value: an exemption must say why")
	assert.Contains(t, err.Error(), `compliance.exemptions[1].control: Unsupported value: "no-such-control"`)
	assert.Contains(t, err.Error(), `compliance.exemptions[2].object: Invalid value: "["`)
	assert.Contains(t, err.Error(), `compliance.exemptions[3].control: Unsupported value: "namespace-pod-securty"`)
	assert.Contains(t, err.Error(), `"namespace-pod-security"`, "the controls there are")
}
