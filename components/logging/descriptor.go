package logging

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/config"
)

// Descriptor describes the LogAgent to the component provider: asking for the agent enables logging.
var Descriptor = descriptor.Component{
	Token:       LogAgentType,
	Description: "The Fluent Bit log agent: a DaemonSet reading the nodes' logs through read-only mounts, in a namespace of its own with only what it needs.",
	Inputs: []descriptor.Input{{Name: "logging", Type: reflect.TypeOf(config.Logging{}), Required: true,
		Description: "The log agent's settings (outputs, image, namespace)."}},
	Resource: (*LogAgent)(nil),
	Outputs:  map[string]string{"namespace": "The agent's namespace."},
	Profile: func(plain map[string]any) map[string]any {
		l, _ := plain["logging"].(map[string]any)
		if l != nil {
			l["enabled"] = true
		}
		return map[string]any{"logging": l}
	},
	New: func(ctx *pulumi.Context, name string, p config.Resolved, _ map[string]pulumi.StringInput, opts ...pulumi.ResourceOption) (pulumi.ComponentResource, error) {
		return NewLogAgent(ctx, name, &LogAgentArgs{Profile: p}, opts...)
	},
}
