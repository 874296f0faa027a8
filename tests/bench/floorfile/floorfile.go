// Package floorfile is the file the benchmark (tests/bench/pulumi) writes and the floor program
// (tests/bench/floor) reads: the objects a kubeharden preview registered, to register again with no
// kubeharden program behind them.
package floorfile

// ObjectsEnv names the file, for the floor program.
const ObjectsEnv = "KUBEHARDEN_FLOOR_OBJECTS"

// FieldsAsOutputsLog begins the message a typed floor logs with the number of fields of typed arguments
// it gave as resolved outputs, where a plain program would write the SDK's argument type (0 when it wrote
// them all).
const FieldsAsOutputsLog = "fields given as outputs: "

// Floor is the file: the provider and the objects, in the order the preview registered them.
type Floor struct {
	Provider Provider `json:"provider"`
	// Typed registers each object as a plain pulumi-kubernetes program does, through the SDK's
	// constructor of its kind with typed arguments (the kind's type aliases and typed outputs included);
	// otherwise each is registered untyped, by its type token alone, with no SDK resource behind it.
	Typed   bool     `json:"typed,omitempty"`
	Objects []Object `json:"objects"`
}

// Provider is the kubernetes provider's arguments the objects are registered with: render into a folder
// or apply with a kubeconfig, as the kubeharden stack's provider does.
type Provider struct {
	Name                  string `json:"name"`
	RenderYamlToDirectory string `json:"renderYamlToDirectory,omitempty"`
	Kubeconfig            string `json:"kubeconfig,omitempty"`
}

// Object is one resource to register: its type token (kubernetes:apps/v1:Deployment), its resource name
// and its inputs as the engine saw them. For the benchmark's analysis of the floor, a file may also
// hold the component resources (Component), each object's parent and the objects it depends on (URNs of
// earlier Objects): then the floor registers kubeharden's resource graph, still without its program.
type Object struct {
	Type      string         `json:"type"`
	Name      string         `json:"name"`
	Inputs    map[string]any `json:"inputs,omitempty"`
	URN       string         `json:"urn,omitempty"`
	Parent    string         `json:"parent,omitempty"`
	DependsOn []string       `json:"dependsOn,omitempty"`
	// AliasNoParent gives the object the alias kubeharden's children carry for the flat layout they
	// moved from: the same name with no parent.
	AliasNoParent bool `json:"aliasNoParent,omitempty"`
	Component     bool `json:"component,omitempty"`
}
