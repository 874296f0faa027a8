package config

import "testing"

func TestValidateLogging(t *testing.T) {
	enable := func(p *Profile, outputs ...LogOutput) {
		p.Logging.Enabled = true
		p.Logging.Outputs = outputs
		SetDefaultsProfile(p)
	}
	cases := []struct {
		name   string
		change func(p *Profile)
		want   []string
	}{
		{"valid", func(p *Profile) {
			enable(p, LogOutput{Type: "syslog", Host: "siem.example.com", TLS: true}, LogOutput{Type: "stdout"})
		}, nil},
		{"output without TLS", func(p *Profile) { enable(p, LogOutput{Type: "forward", Host: "fluentd.example.com"}) },
			[]string{`logging.outputs[0].tls: Forbidden: logs leave the cluster over TLS only (guide: audit logging and threat detection)`}},
		{"unknown output", func(p *Profile) { enable(p, LogOutput{Type: "kafka", Host: "k", TLS: true}) },
			[]string{`logging.outputs[0].type: Unsupported value: "kafka": supported values: "elasticsearch", "syslog", "forward", "stdout"`}},
		{"latest image", func(p *Profile) {
			p.Logging.Image = "cr.fluentbit.io/fluent/fluent-bit:latest"
			enable(p, LogOutput{Type: "stdout"})
		},
			[]string{`logging.image: Invalid value: "cr.fluentbit.io/fluent/fluent-bit:latest": must carry a version tag other than latest, or a digest`}},
		{"exception without reason", func(p *Profile) {
			enable(p, LogOutput{Type: "stdout"})
			p.Logging.PodSecurity.ExemptionReason = " "
		}, []string{`logging.podSecurity.exemptionReason: Required value: enforce level "privileged" is weaker than restricted: say why, it is kept in the compliance report`}},
		{"no outputs", func(p *Profile) { enable(p) },
			[]string{`logging.outputs: Required value: where the logs go; stdout for development`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { assertProfileErrors(t, tc.change, tc.want) })
	}
}
