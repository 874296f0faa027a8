package guardrails

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/config"
)

// Descriptor describes the Guardrails to the component provider.
var Descriptor = descriptor.Component{
	Token:       GuardrailsType,
	Description: "The admission guardrails beyond Pod Security, in the namespaces that carry kubeharden's tenant label: ValidatingAdmissionPolicies and their bindings (engine native), or Gatekeeper ConstraintTemplates and Constraints.",
	Inputs: []descriptor.Input{{Name: "guardrails", Type: reflect.TypeOf(config.Guardrails{}), Required: true,
		Description: "The rules' settings (engine, allowed registries, actions); {} refuses everything the rules forbid."}},
	Resource: (*Guardrails)(nil),
	Outputs:  map[string]string{"policyNames": "The names of the admission policies (native) or constraints (gatekeeper)."},
	Profile:  descriptor.Section("guardrails"),
	New: func(ctx *pulumi.Context, name string, p config.Resolved, _ map[string]pulumi.StringInput, opts ...pulumi.ResourceOption) (pulumi.ComponentResource, error) {
		return NewGuardrails(ctx, name, &GuardrailsArgs{Profile: p}, opts...)
	},
}
