// Package componentprovider makes kubeharden's components usable from TypeScript, Python, YAML and any
// other Pulumi language: Construct builds the Go component a program asks for through the engine, its
// typed inputs decoded, defaulted and validated as the profile is everywhere, and Schema is the package
// schema that describes them, generated from the config package's types and doc comments
// (cmd/pulumi-resource-kubeharden embeds it as schema.json and serves both through the SDK's
// provider.ComponentMain).
package componentprovider
