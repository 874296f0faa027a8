// Package policypack is kubeharden's Pulumi policy pack: `pulumi preview --policy-pack` runs the control
// catalog on the stack's resources and fails a change that weakens the cluster. It turns the engine's
// resources (their property values) into controls/preview's resources, which make the documents the
// catalog judges as `kubeharden check --pulumi-preview` makes them; New makes a stack policy per control
// (a control's Level says whether it stops a preview by default) and one, InputsPolicy, that fails what
// could not be judged. The rules are the catalog's, not a copy; the one the pack adds is the profile's
// own word: a namespace that enforces less than its profile says fails namespace-pod-security
// (Options.PodSecurityLevels). StackOptions are the pack's options from a stack's settings.
package policypack
