package logging

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/kubeharden/kubeharden/config"
)

// Paths inside the agent's container.
const (
	ConfigDir  = "/fluent-bit/etc/kubeharden"
	BufferDir  = "/fluent-bit/buffer"
	TokenDir   = "/var/run/secrets/kubernetes.io/serviceaccount"
	MetricPort = 2020
)

// FluentBitConfig renders the agent's configuration (Fluent Bit's classic format): container logs from
// /var/log/containers with Kubernetes metadata, node logs from the systemd journal, and one output per
// profile entry, TLS verified for every off-cluster one.
func FluentBitConfig(l config.Logging) string {
	var b strings.Builder
	section := func(name string, kv ...string) {
		fmt.Fprintf(&b, "[%s]\n", name)
		for i := 0; i+1 < len(kv); i += 2 {
			fmt.Fprintf(&b, "    %-20s %s\n", kv[i], kv[i+1])
		}
		b.WriteString("\n")
	}
	section("SERVICE", "Flush", "5", "Log_Level", "info", "Daemon", "off",
		"HTTP_Server", "On", "HTTP_Listen", "0.0.0.0", "HTTP_Port", fmt.Sprint(MetricPort), "Health_Check", "On",
		"storage.path", BufferDir+"/storage")
	section("INPUT", "Name", "tail", "Tag", "kube.*", "Path", "/var/log/containers/*.log",
		"multiline.parser", "cri, docker", "DB", BufferDir+"/tail.db", "Mem_Buf_Limit", "50MB", "Skip_Long_Lines", "On")
	section("INPUT", "Name", "systemd", "Tag", "node.*", "Path", "/var/log/journal", "Read_From_Tail", "On", "DB", BufferDir+"/journal.db")
	section("FILTER", "Name", "kubernetes", "Match", "kube.*", "Kube_URL", "https://kubernetes.default.svc:443",
		"Kube_CA_File", TokenDir+"/ca.crt", "Kube_Token_File", TokenDir+"/token", "Merge_Log", "On", "Keep_Log", "Off")
	for _, o := range l.Outputs {
		tls := []string{"tls", "On", "tls.verify", "On"}
		switch o.Type {
		case "elasticsearch":
			section("OUTPUT", append([]string{"Name", "es", "Match", "*", "Host", o.Host, "Port", fmt.Sprint(o.Port),
				"Index", o.Index, "Suppress_Type_Name", "On"}, tls...)...)
		case "syslog":
			section("OUTPUT", append([]string{"Name", "syslog", "Match", "*", "Host", o.Host, "Port", fmt.Sprint(o.Port),
				"Mode", "tls", "Syslog_Format", "rfc5424", "Syslog_Message_Key", "log"}, tls...)...)
		case "forward":
			section("OUTPUT", append([]string{"Name", "forward", "Match", "*", "Host", o.Host, "Port", fmt.Sprint(o.Port)}, tls...)...)
		case "stdout":
			section("OUTPUT", "Name", "stdout", "Match", "*", "Format", "json_lines")
		}
	}
	return b.String()
}

// Checksum is the SHA-256 of a configuration; as a pod annotation it rolls the pods when it changes.
func Checksum(cfg string) string {
	sum := sha256.Sum256([]byte(cfg))
	return hex.EncodeToString(sum[:])
}
