package tenant

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/config"
)

// Descriptor describes the tenant Namespace to the component provider: the tenant, with the
// profile-wide settings it inherits, is read as a profile of one tenant.
var Descriptor = descriptor.Component{
	Token:       NamespaceType,
	Description: "A hardened tenant namespace: Pod Security labels, default-deny network policies with DNS egress, a quota, a limit range, RBAC roles and a default ServiceAccount without a token.",
	Inputs: []descriptor.Input{
		{Name: "tenant", Type: reflect.TypeOf(config.Tenant{}), Required: true, Description: "The tenant."},
		{Name: "podSecurity", Type: reflect.TypeOf(config.PodSecurity{}), Description: "The profile-wide Pod Security levels the tenant inherits where it sets none (default: restricted everywhere)."},
		{Name: "dns", Type: reflect.TypeOf(config.DNS{}), Description: "Where the cluster DNS runs (default: kube-system, k8s-app=kube-dns)."},
	},
	Resource: (*Namespace)(nil),
	Outputs: map[string]string{
		"namespaceName":      "The name of the Kubernetes namespace.",
		"podSecurityEnforce": "The Pod Security level enforced in the namespace.",
	},
	ProfileInput: "tenant",
	Profile: func(plain map[string]any) map[string]any {
		p := map[string]any{"tenants": []any{plain["tenant"]}}
		for _, key := range []string{"podSecurity", "dns"} {
			if v, ok := plain[key]; ok && v != nil {
				p[key] = v
			}
		}
		return p
	},
	New: func(ctx *pulumi.Context, name string, p config.Resolved, _ map[string]pulumi.StringInput, opts ...pulumi.ResourceOption) (pulumi.ComponentResource, error) {
		return NewNamespace(ctx, name, &NamespaceArgs{Profile: p, Tenant: p.Tenants[0].Name}, opts...)
	},
}
