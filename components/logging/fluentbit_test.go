package logging

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

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
