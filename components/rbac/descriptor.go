package rbac

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/config"
)

// Descriptor describes the ClusterRBAC to the component provider.
var Descriptor = descriptor.Component{
	Token:       ClusterRBACType,
	Description: "The cluster-wide RBAC: the cluster reader and auditor roles, their bindings to the subjects named, and the break-glass bindings to cluster-admin, each with its reason.",
	Inputs: []descriptor.Input{{Name: "rbac", Type: reflect.TypeOf(config.RBAC{}), Required: true,
		Description: "The subjects to bind and the break-glass bindings."}},
	Resource: (*ClusterRBAC)(nil),
	Outputs: map[string]string{
		"clusterRoles":       "The names of the cluster roles.",
		"breakGlassBindings": "The names of the break-glass bindings to cluster-admin.",
	},
	Profile: descriptor.Section("rbac"),
	New: func(ctx *pulumi.Context, name string, p config.Resolved, _ map[string]pulumi.StringInput, opts ...pulumi.ResourceOption) (pulumi.ComponentResource, error) {
		return NewClusterRBAC(ctx, name, &ClusterRBACArgs{Profile: p}, opts...)
	},
}
