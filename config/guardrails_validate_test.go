package config

import (
	"strings"
	"testing"
)

func TestValidateGuardrails(t *testing.T) {
	cases := []struct {
		name   string
		change func(p *Profile)
		want   []string
	}{
		{"valid", func(p *Profile) {
			p.Guardrails.AllowedRegistries = []string{"registry.k8s.io", "ghcr.io/acme", "10.0.0.5:5000/team-a"}
			p.Guardrails.Actions["imageTag"] = "Warn"
		}, nil},
		{"registry with scheme", func(p *Profile) { p.Guardrails.AllowedRegistries = []string{"https://ghcr.io"} },
			[]string{`guardrails.allowedRegistries[0]: Invalid value: "https://ghcr.io": must be a registry host with an optional port and path, such as registry.k8s.io or ghcr.io/acme (no scheme, no wildcard)`}},
		{"registry wildcard", func(p *Profile) { p.Guardrails.AllowedRegistries = []string{"*.example.com"} },
			[]string{`guardrails.allowedRegistries[0]: Invalid value: "*.example.com": must be a registry host with an optional port and path, such as registry.k8s.io or ghcr.io/acme (no scheme, no wildcard)`}},
		{"registry host label too long", func(p *Profile) { p.Guardrails.AllowedRegistries = []string{strings.Repeat("a", 64) + ".io/team"} },
			[]string{`guardrails.allowedRegistries[0]: Invalid value: "` + strings.Repeat("a", 64) + `.io/team": the registry host has a label longer than 63 characters`}},
		{"registry host too long", func(p *Profile) { p.Guardrails.AllowedRegistries = []string{strings.Repeat("a.", 130) + "io"} },
			[]string{`guardrails.allowedRegistries[0]: Invalid value: "` + strings.Repeat("a.", 130) + `io": the registry host must be no more than 253 characters`}},
		{"unknown engine", func(p *Profile) { p.Guardrails.Engine = "kyverno" },
			[]string{`guardrails.engine: Unsupported value: "kyverno": supported values: "native", "gatekeeper"`}},
		{"unknown action", func(p *Profile) { p.Guardrails.Actions["imageTag"] = "Block" },
			[]string{`guardrails.actions[imageTag]: Unsupported value: "Block": supported values: "Deny", "Warn", "Audit"`}},
		{"unknown rule", func(p *Profile) { p.Guardrails.Actions["noRoot"] = "Deny" },
			[]string{`guardrails.actions[noRoot]: Unsupported value: "noRoot": supported values: "allowedRegistries", "imageTag", "resourceLimits", "serviceAccount", "serviceType", "podSecurityTemplates"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { assertProfileErrors(t, tc.change, tc.want) })
	}
}
