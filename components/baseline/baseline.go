package baseline

import (
	"errors"
	"fmt"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacpulumi "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeharden/kubeharden/components/guardrails"
	"github.com/kubeharden/kubeharden/components/logging"
	"github.com/kubeharden/kubeharden/components/rbac"
	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/config"
)

// BaselineType is the Pulumi type token of the Baseline component.
const BaselineType = "kubeharden:index:Baseline"

// BaselineArgs are the inputs of a Baseline.
type BaselineArgs struct {
	// Profile is the hardening profile. NewBaseline fills its defaults on a copy and validates it.
	Profile *config.Profile
}

// Baseline is the set of hardened objects a profile asks for.
type Baseline struct {
	pulumi.ResourceState

	// Namespaces are the names of the tenant namespaces, in profile order.
	Namespaces pulumi.StringArrayOutput `pulumi:"namespaces"`
	// Tenants are the tenant components, in profile order.
	Tenants []*tenant.Namespace
}

// NewBaseline validates the profile and creates every tenant namespace it lists. A nil or invalid profile
// is refused, with every problem and its field path, before any resource is registered.
func NewBaseline(ctx *pulumi.Context, name string, args *BaselineArgs, opts ...pulumi.ResourceOption) (*Baseline, error) {
	if args == nil || args.Profile == nil {
		return nil, errors.New("baseline " + name + ": a profile is required")
	}
	profile := *args.Profile.DeepCopy() // defaulted below: the caller's profile stays as it is
	config.SetDefaultsProfile(&profile)
	if errs := config.ValidateProfile(&profile); len(errs) > 0 {
		return nil, fmt.Errorf("baseline %s: %w", name, config.NewInvalidProfileError(errs))
	}

	b := &Baseline{}
	if err := ctx.RegisterComponentResource(BaselineType, name, b, opts...); err != nil {
		return nil, err
	}
	if err := newClusterRBAC(ctx, name, &profile.RBAC, pulumi.Parent(b)); err != nil {
		return nil, err
	}
	newGuardrails := guardrails.New
	if profile.Guardrails.Engine == "gatekeeper" {
		newGuardrails = guardrails.NewGatekeeper
	}
	if err := newGuardrails(ctx, name, profile.Guardrails, tenant.TenantLabel, pulumi.Parent(b)); err != nil {
		return nil, err
	}
	if profile.Logging.Enabled {
		if _, err := logging.NewLogAgent(ctx, name+"-logging", &logging.LogAgentArgs{Logging: profile.Logging}, pulumi.Parent(b)); err != nil {
			return nil, err
		}
	}
	names := pulumi.StringArray{}
	for i := range profile.Tenants {
		t := profile.Tenants[i]
		ns, err := tenant.NewNamespace(ctx, name+"-"+t.Name, &tenant.NamespaceArgs{
			Tenant:      t,
			PodSecurity: profile.EffectivePodSecurity(&t),
			DNS:         profile.DNS,
		}, pulumi.Parent(b))
		if err != nil {
			return nil, err
		}
		b.Tenants = append(b.Tenants, ns)
		names = append(names, ns.NamespaceName)
	}
	b.Namespaces = names.ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"namespaces": b.Namespaces}); err != nil {
		return nil, err
	}
	return b, nil
}

// newClusterRBAC creates the cluster reader and auditor roles, their bindings to the profile's subjects,
// and the break-glass bindings to cluster-admin: the only ones kubeharden makes, each with its reason.
func newClusterRBAC(ctx *pulumi.Context, name string, r *config.RBAC, parent pulumi.ResourceOption) error {
	managed := pulumi.StringMap{tenant.ManagedByLabel: pulumi.String(tenant.ManagedByValue)}
	for _, role := range []struct {
		suffix, name string
		rules        []rbacv1.PolicyRule
		subjects     []config.Subject
	}{
		{"cluster-reader", rbac.ClusterReaderRole, rbac.ClusterReaderRules(), r.ClusterReaders},
		{"auditor", rbac.AuditorRole, rbac.AuditorRules(), r.Auditors},
	} {
		cr, err := rbacpulumi.NewClusterRole(ctx, name+"-"+role.suffix, &rbacpulumi.ClusterRoleArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(role.name), Labels: managed},
			Rules:    rbac.PulumiRules(role.rules),
		}, parent)
		if err != nil {
			return fmt.Errorf("cluster role %s: %w", role.name, err)
		}
		if len(role.subjects) == 0 {
			continue
		}
		if _, err := rbacpulumi.NewClusterRoleBinding(ctx, name+"-"+role.suffix, &rbacpulumi.ClusterRoleBindingArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(role.name), Labels: managed},
			RoleRef: &rbacpulumi.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("ClusterRole"),
				Name: cr.Metadata.Name().Elem()},
			Subjects: rbac.PulumiSubjects(role.subjects),
		}, parent); err != nil {
			return fmt.Errorf("cluster role binding %s: %w", role.name, err)
		}
	}
	for _, bg := range r.BreakGlass {
		if _, err := rbacpulumi.NewClusterRoleBinding(ctx, name+"-break-glass-"+bg.Name, &rbacpulumi.ClusterRoleBindingArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name:        pulumi.String(rbac.BreakGlassPrefix + bg.Name),
				Labels:      managed,
				Annotations: pulumi.StringMap{"kubeharden.io/break-glass-reason": pulumi.String(bg.Reason)},
			},
			RoleRef: &rbacpulumi.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("ClusterRole"),
				Name: pulumi.String("cluster-admin")},
			Subjects: rbac.PulumiSubjects([]config.Subject{bg.Subject}),
		}, parent); err != nil {
			return fmt.Errorf("break-glass binding %s: %w", bg.Name, err)
		}
	}
	return nil
}
