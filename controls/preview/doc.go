// Package preview is the input of a Pulumi preview: the Kubernetes resources a stack would hold after an
// update (kubernetes:<group>/<version>:<Kind>, their properties as JSON values) made into the documents
// the catalog judges, a <Kind>Patch merged over its object, and a ControlPlane component's files into the
// control-plane file set. ReadPreview reads `pulumi preview --json` (`kubeharden check
// --pulumi-preview`); the policy pack gives the engine's resources, their property values turned into
// JSON values, to NewInputs in the same way. A value not known until the update is Unknown, and a
// resource holding one is unreadable, never judged and so never passed. It imports no Pulumi SDK.
package preview
