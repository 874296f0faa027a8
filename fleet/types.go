package fleet

import "github.com/kubeharden/kubeharden/config"

// APIVersion and Kind name the fleet file's schema; a fleet file must name both.
const (
	APIVersion = config.APIVersion
	Kind       = "Fleet"
)

// File is a fleet file as written: the shared profile and the clusters that get it.
type File struct {
	// APIVersion is kubeharden.io/v1alpha1.
	APIVersion string `json:"apiVersion"`
	// Kind is Fleet.
	Kind string `json:"kind"`
	// Backend is the Pulumi backend that holds the fleet's stacks (file://, s3://, gs://, azblob://,
	// https://api.pulumi.com); empty means PULUMI_BACKEND_URL, then the CLI's own login.
	Backend string `json:"backend,omitempty"`
	// SecretsProvider is the secrets provider of the stacks the fleet creates (passphrase, awskms://...);
	// empty means the backend's default.
	SecretsProvider string `json:"secretsProvider,omitempty"`
	// Profile is the hardening profile every cluster gets (the schema of kubeharden:profile).
	Profile map[string]any `json:"profile"`
	// Clusters are the clusters of the fleet.
	Clusters []Cluster `json:"clusters"`
}

// Cluster is one cluster of a fleet.
type Cluster struct {
	// Name names the cluster in reports and in --only and --exclude: a DNS label, unique in the fleet.
	Name string `json:"name"`
	// Stack is the cluster's Pulumi stack; empty means Name. Unique in the fleet.
	Stack string `json:"stack,omitempty"`
	// Kubeconfig is the path of a cluster admin's kubeconfig, relative to the fleet file; the program
	// keeps its content as a secret in the state. Exactly one of Kubeconfig and RenderDir.
	Kubeconfig string `json:"kubeconfig,omitempty"`
	// RenderDir is the folder the cluster's objects are rendered into as YAML, relative to the fleet file.
	RenderDir string `json:"renderDir,omitempty"`
	// Overrides are profile fields this cluster sets differently from the shared profile: maps merge key
	// by key, anything else (a list, a value) replaces.
	Overrides map[string]any `json:"overrides,omitempty"`
}

// Member is a cluster ready to run: its paths absolute and its profile resolved from the shared one
// and its overrides.
type Member struct {
	Cluster
	// Profile is the cluster's resolved profile; ProfileJSON is what the stack's kubeharden:profile is
	// set to (the shared profile with the overrides merged, as written).
	Profile     config.Resolved
	ProfileJSON string
}

// Fleet is a loaded fleet file.
type Fleet struct {
	// Dir is the folder of the fleet file.
	Dir             string
	Backend         string
	SecretsProvider string
	Members         []Member
}
