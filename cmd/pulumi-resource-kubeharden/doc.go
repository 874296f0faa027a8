// Command pulumi-resource-kubeharden is kubeharden's component provider: programs in TypeScript, Python,
// YAML and any other Pulumi language use the components through it (package componentprovider). It only
// wires the SDK's provider.ComponentMain to the schema and the constructors.
package main
