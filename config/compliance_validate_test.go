package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
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
	assert.Nil(t, p)
	assert.ErrorIs(t, err, ErrInvalidProfile)
	assert.ErrorContains(t, err, "compliance.exemptions[0].reason: Required value: an exemption must say why")
	assert.ErrorContains(t, err, "compliance.exemptions[1].control: Required value")
	assert.ErrorContains(t, err, `compliance.exemptions[2].object: Invalid value: "["`)
	assert.NotContains(t, err.Error(), "exemptions[3]")
}
