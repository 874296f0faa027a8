// Package policypack is kubeharden's Pulumi policy pack: `pulumi preview --policy-pack` runs the control
// catalog on the stack's resources and fails a change that weakens the cluster. NewInputs turns the
// Kubernetes resources of a preview (kubernetes:<group>/<version>:<Kind>, their properties) into the
// k8s.io/api objects the catalog judges (a <Kind>Patch merged over its object), and a ControlPlane
// component's files into the control-plane file set; New makes a stack policy per control (Mandatory
// says which stop a preview by default) and one, InputsPolicy, that fails what could not be judged. The
// rules are the catalog's, not a copy; the one the pack adds is the profile's own word: a namespace that
// enforces less than its profile says fails namespace-pod-security (Options.PodSecurityLevels).
// ReadPreview reads `pulumi preview --json` into the same resources, for `kubeharden check
// --pulumi-preview`.
package policypack
