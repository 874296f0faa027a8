package baseline

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/components/guardrails"
	"github.com/kubeharden/kubeharden/components/logging"
	"github.com/kubeharden/kubeharden/components/rbac"
	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

// BaselineType is the Pulumi type token of the Baseline component.
const BaselineType = contract.BaselineType

// BaselineArgs are the inputs of a Baseline.
type BaselineArgs struct {
	// Profile is the resolved hardening profile (config.Load, or config.Resolve of a profile written in
	// Go): NewBaseline neither defaults nor validates it again.
	Profile config.Resolved
}

// Baseline is the set of hardened objects a profile asks for.
type Baseline struct {
	pulumi.ResourceState

	// Namespaces are the names of the tenant namespaces, in profile order.
	Namespaces pulumi.StringArrayOutput `pulumi:"namespaces"`
	// Tenants are the tenant components, in profile order.
	Tenants []*tenant.Namespace
}

// NewBaseline creates everything the resolved profile asks for: the cluster RBAC, the guardrails, the
// log agent, the monitoring rules and the scraper's RBAC, and every tenant namespace. Args without a resolved profile are refused before any resource
// is registered.
func NewBaseline(ctx *pulumi.Context, name string, args *BaselineArgs, opts ...pulumi.ResourceOption) (*Baseline, error) {
	if args == nil {
		return nil, errors.New("baseline " + name + ": a profile is required")
	}
	profile := args.Profile
	if err := profile.Require(); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", name, err)
	}

	b := &Baseline{}
	if err := ctx.RegisterComponentResource(BaselineType, name, b, opts...); err != nil {
		return nil, err
	}
	// The RBAC and guardrail components carry the Baseline's name, so their children keep theirs.
	if _, err := rbac.NewClusterRBAC(ctx, name, &rbac.ClusterRBACArgs{Profile: profile}, pulumi.Parent(b)); err != nil {
		return nil, err
	}
	if _, err := guardrails.NewGuardrails(ctx, name, &guardrails.GuardrailsArgs{Profile: profile}, pulumi.Parent(b)); err != nil {
		return nil, err
	}
	if profile.Logging.Enabled {
		if _, err := logging.NewLogAgent(ctx, name+"-logging", &logging.LogAgentArgs{Profile: profile}, pulumi.Parent(b)); err != nil {
			return nil, err
		}
	}
	if profile.Monitoring.Enabled {
		if err := newMonitoring(ctx, name, profile.Monitoring, pulumi.Parent(b)); err != nil {
			return nil, err
		}
	}
	names := pulumi.StringArray{}
	for i := range profile.Tenants {
		t := profile.Tenants[i]
		ns, err := tenant.NewNamespace(ctx, name+"-"+t.Name, &tenant.NamespaceArgs{Profile: profile, Tenant: t.Name}, pulumi.Parent(b))
		if err != nil {
			return nil, err
		}
		b.Tenants = append(b.Tenants, ns)
		names = append(names, ns.NamespaceName)
	}
	b.Namespaces = names.ToStringArrayOutput()
	if err := descriptor.RegisterOutputs(ctx, b, pulumi.Map{"namespaces": b.Namespaces}); err != nil {
		return nil, err
	}
	return b, nil
}
