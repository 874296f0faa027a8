// Command kubeharden-fleet is `kubeharden fleet`: `preview`, `up` and `drift` of one profile on every
// cluster of a fleet file (package fleet), through the Pulumi Automation API. It is an executable of its
// own, which `kubeharden fleet` runs (next to kubeharden, else on PATH), so that kubeharden links no
// Pulumi SDK. Exit codes as kubeharden's: 0 every cluster passed, 1 one failed, 2 a usage or input error
// or a cluster that could not be judged.
package main
