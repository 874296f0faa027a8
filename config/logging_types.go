package config

// Logging is the node and container log agent (Fluent Bit) and where it ships logs.
type Logging struct {
	// Enabled deploys the agent.
	Enabled bool `json:"enabled"`
	// Namespace is the agent's own namespace; nothing else runs there.
	Namespace string `json:"namespace"`
	// Image is the Fluent Bit image, with a version tag or digest.
	Image string `json:"image"`
	// PodSecurity is the agent namespace's Pod Security level and the reason for it: reading the host's
	// logs needs hostPath volumes and root, which only the privileged level allows.
	PodSecurity PodSecurity `json:"podSecurity"`
	// Outputs are where logs go. Off-cluster outputs must use TLS.
	Outputs []LogOutput `json:"outputs"`
}

// LogOutput is one destination.
type LogOutput struct {
	// Type is elasticsearch, syslog (RFC 5424 over TLS), forward (Fluentd forward over TLS) or stdout
	// (development only).
	Type string `json:"type"`
	// Host and Port locate the destination.
	Host string `json:"host"`
	Port int    `json:"port"`
	// TLS must be true for every type but stdout.
	TLS bool `json:"tls"`
	// Index is the Elasticsearch index.
	Index string `json:"index,omitempty"`
}

// LogOutputTypes are the supported output types.
var LogOutputTypes = []string{"elasticsearch", "syslog", "forward", "stdout"}
