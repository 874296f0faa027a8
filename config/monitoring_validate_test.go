package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// TestValidateMonitoring: the defaults pass; a namespace, a scraper or a rule label Kubernetes would
// refuse, and a threshold under one, are refused with their field paths.
func TestValidateMonitoring(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(m *Monitoring)
		want   []string
	}{
		{"defaults", func(*Monitoring) {}, nil},
		{"a namespace with capitals", func(m *Monitoring) { m.Namespace = "Monitoring" },
			[]string{`monitoring.namespace: Invalid value: "Monitoring": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`}},
		{"a scraper without a name", func(m *Monitoring) { m.Scraper.Name = "-" },
			[]string{`monitoring.scraper.name: Invalid value: "-": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`}},
		{"a rule label value with a space", func(m *Monitoring) { m.RuleLabels = map[string]string{"release": "kube prometheus"} },
			[]string{`monitoring.ruleLabels[release]: Invalid value: "kube prometheus": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`}},
		{"no threshold", func(m *Monitoring) { m.DeniedPerMinute = -1 },
			[]string{`monitoring.deniedPerMinute: Invalid value: -1: must be at least 1`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &Monitoring{Enabled: true}
			setDefaultsMonitoring(m)
			tc.change(m)
			var got []string
			for _, e := range ValidateMonitoring(m, field.NewPath("monitoring")) {
				got = append(got, e.Error())
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
