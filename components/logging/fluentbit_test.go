package logging

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/config"
)

func TestFluentBitConfigShipsEveryOutputOverVerifiedTLS(t *testing.T) {
	l := config.Logging{Outputs: []config.LogOutput{
		{Type: "elasticsearch", Host: "es.example.com", Port: 9200, TLS: true, Index: "k8s"},
		{Type: "syslog", Host: "siem.example.com", Port: 6514, TLS: true},
		{Type: "forward", Host: "fluentd.example.com", Port: 24224, TLS: true},
		{Type: "stdout"},
	}}
	cfg := FluentBitConfig(l)
	outputs := strings.Split(cfg, "[OUTPUT]")[1:]
	assert.Len(t, outputs, 4)
	for _, o := range outputs[:3] {
		assert.Contains(t, o, "tls                  On")
		assert.Contains(t, o, "tls.verify           On")
	}
	assert.Contains(t, outputs[1], "Syslog_Format        rfc5424")
	assert.Contains(t, outputs[1], "Mode                 tls")
	assert.NotContains(t, outputs[3], "tls")
	assert.Contains(t, cfg, "Path                 /var/log/containers/*.log")
	assert.Contains(t, cfg, "Name                 systemd")
	assert.Contains(t, cfg, "HTTP_Port            2020")
	assert.NotEqual(t, Checksum(cfg), Checksum(FluentBitConfig(config.Logging{Outputs: l.Outputs[:1]})), "a config change changes the checksum")
}

// TestTheJournalInputShipsKernelAndAuditLines: the node's journal input reads the whole journal, no
// unit or transport filtered out, so the kernel's SECCOMP audit lines of the audit seccomp profile
// (journald's kernel and audit transports) reach the outputs with the rest.
func TestTheJournalInputShipsKernelAndAuditLines(t *testing.T) {
	cfg := FluentBitConfig(config.Logging{Enabled: true, Outputs: []config.LogOutput{{Type: "stdout"}}})
	var journal string
	for _, section := range strings.Split(cfg, "[INPUT]")[1:] {
		if strings.Contains(section, "Name                 systemd") {
			journal = strings.SplitN(section, "[", 2)[0]
		}
	}
	require.NotEmpty(t, journal, "a journal input")
	assert.NotContains(t, journal, "Systemd_Filter", "no filter: kernel and audit lines are shipped too")
	assert.Contains(t, journal, "Path                 /var/log/journal")
	for _, section := range strings.Split(cfg, "[FILTER]")[1:] {
		assert.NotContains(t, section, "node.*", "no filter drops node lines")
	}
}
