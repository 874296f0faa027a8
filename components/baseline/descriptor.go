package baseline

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/config"
)

// Descriptor describes the Baseline to the component provider.
var Descriptor = descriptor.Component{
	Token:       BaselineType,
	Description: "Everything a hardening profile asks for: a hardened namespace per tenant, the cluster-wide RBAC, the admission guardrails and the log agent.",
	Inputs: []descriptor.Input{{Name: "profile", Type: reflect.TypeOf(config.Profile{}), Required: true,
		Description: "The hardening profile; every field has a hardened default, so {} is a hardened profile."}},
	Resource: (*Baseline)(nil),
	Outputs:  map[string]string{"namespaces": "The tenant namespaces, in profile order."},
	Profile:  descriptor.WholeProfile("profile"),
	New: func(ctx *pulumi.Context, name string, p config.Resolved, _ map[string]pulumi.StringInput, opts ...pulumi.ResourceOption) (pulumi.ComponentResource, error) {
		return NewBaseline(ctx, name, &BaselineArgs{Profile: p}, opts...)
	},
}
