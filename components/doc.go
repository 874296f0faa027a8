// Package components is the root of kubeharden's Pulumi components. Each subpackage is one component
// (or one small family of them) that follows the Pulumi component contract: NewX registers itself, parents
// every child, derives child names from its own and refuses nil or invalid args before creating anything.
package components
