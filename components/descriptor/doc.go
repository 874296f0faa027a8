// Package descriptor describes a kubeharden component once, beside its Args: its type token, what it
// is, its inputs (a section of the profile, or a secret string), the profile document its plain inputs
// make, its constructor, and its outputs, which are the `pulumi:"..."` fields of its resource struct.
// The component provider builds its schema and its Construct from the descriptors and nothing else, and
// RegisterOutputs, which every component calls last, refuses outputs other than the struct's: a
// component, its schema and its constructor cannot drift apart.
package descriptor
