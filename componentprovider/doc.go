// Package componentprovider makes kubeharden's components usable from TypeScript, Python, YAML and any
// other Pulumi language. It holds no knowledge of its own about a component: Components lists each
// component's descriptor (components/descriptor, written beside the component's Args), and from those
// alone Schema makes the package schema (inputs, outputs from the components' `pulumi:` tags, and the
// profile's types, generated from the config package's Go types and doc comments) and Construct builds
// the Go component a program asks for through the engine, its plain inputs decoded, defaulted and
// validated as the profile is everywhere (config.Load). cmd/pulumi-resource-kubeharden embeds the schema
// as schema.json and serves both through the SDK's provider.ComponentMain.
package componentprovider
