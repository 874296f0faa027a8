package rbac

import (
	"errors"
	"fmt"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacpulumi "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/components/internal/child"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

// ClusterRBACType is the Pulumi type token of the ClusterRBAC component.
const ClusterRBACType = contract.ClusterRBACType

// ClusterRBACArgs are the inputs of ClusterRBAC: plain values, since the subjects decide which bindings
// exist.
type ClusterRBACArgs struct {
	// Profile is the resolved profile (config.Load or config.Resolve); its rbac section is made.
	Profile config.Resolved
}

// ClusterRBAC is the cluster-wide RBAC kubeharden makes: the cluster reader and auditor roles, their
// bindings to the profile's subjects, and the break-glass bindings to cluster-admin, each with its reason.
type ClusterRBAC struct {
	pulumi.ResourceState

	// ClusterRoles are the names of the cluster roles.
	ClusterRoles pulumi.StringArrayOutput `pulumi:"clusterRoles"`
	// BreakGlassBindings are the names of the break-glass bindings to cluster-admin.
	BreakGlassBindings pulumi.StringArrayOutput `pulumi:"breakGlassBindings"`
}

// NewClusterRBAC creates the roles and bindings of the resolved profile's rbac section as its children;
// args without a resolved profile are refused before anything is registered. Children keep the names they had
// before ClusterRBAC was a component, aliased to its parent, so that an earlier stack keeps its objects.
func NewClusterRBAC(ctx *pulumi.Context, name string, args *ClusterRBACArgs, opts ...pulumi.ResourceOption) (*ClusterRBAC, error) {
	if args == nil {
		return nil, errors.New("cluster RBAC " + name + ": args are required")
	}
	if err := args.Profile.Require(); err != nil {
		return nil, fmt.Errorf("cluster RBAC %s: %w", name, err)
	}
	r := &args.Profile.RBAC // only read
	c := &ClusterRBAC{}
	if err := ctx.RegisterComponentResource(ClusterRBACType, name, c, opts...); err != nil {
		return nil, err
	}
	children, err := child.Options(c, opts...)
	if err != nil {
		return nil, err
	}
	managed := pulumi.StringMap{contract.ManagedByLabel: pulumi.String(contract.ManagedByValue)}
	var roles, breakGlass []string
	for _, role := range []struct {
		suffix, name string
		rules        []rbacv1.PolicyRule
		subjects     []config.Subject
	}{
		{"cluster-reader", ClusterReaderRole, ClusterReaderRules(), r.ClusterReaders},
		{"auditor", AuditorRole, AuditorRules(), r.Auditors},
	} {
		cr, err := rbacpulumi.NewClusterRole(ctx, name+"-"+role.suffix, &rbacpulumi.ClusterRoleArgs{
			Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(role.name), Labels: managed}),
			Rules:    PulumiRules(role.rules),
		}, children...)
		if err != nil {
			return nil, fmt.Errorf("cluster RBAC %s: cluster role %s: %w", name, role.name, err)
		}
		roles = append(roles, role.name)
		if len(role.subjects) == 0 {
			continue
		}
		if _, err := rbacpulumi.NewClusterRoleBinding(ctx, name+"-"+role.suffix, &rbacpulumi.ClusterRoleBindingArgs{
			Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(role.name), Labels: managed}),
			RoleRef: &rbacpulumi.RoleRefArgs{ApiGroup: pulumi.String(rbacv1.GroupName), Kind: pulumi.String("ClusterRole"),
				Name: cr.Metadata.Name().Elem()},
			Subjects: PulumiSubjects(role.subjects),
		}, children...); err != nil {
			return nil, fmt.Errorf("cluster RBAC %s: cluster role binding %s: %w", name, role.name, err)
		}
	}
	for _, bg := range r.BreakGlass {
		if _, err := rbacpulumi.NewClusterRoleBinding(ctx, name+"-break-glass-"+bg.Name, &rbacpulumi.ClusterRoleBindingArgs{
			Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{
				Name:        pulumi.String(BreakGlassPrefix + bg.Name),
				Labels:      managed,
				Annotations: pulumi.StringMap{contract.BreakGlassReasonAnnotation: pulumi.String(bg.Reason)},
			}),
			RoleRef: &rbacpulumi.RoleRefArgs{ApiGroup: pulumi.String(rbacv1.GroupName), Kind: pulumi.String("ClusterRole"),
				Name: pulumi.String("cluster-admin")},
			Subjects: PulumiSubjects([]config.Subject{bg.Subject}),
		}, children...); err != nil {
			return nil, fmt.Errorf("cluster RBAC %s: break-glass binding %s: %w", name, bg.Name, err)
		}
		breakGlass = append(breakGlass, BreakGlassPrefix+bg.Name)
	}
	c.ClusterRoles = pulumi.ToStringArray(roles).ToStringArrayOutput()
	c.BreakGlassBindings = pulumi.ToStringArray(breakGlass).ToStringArrayOutput()
	if err := descriptor.RegisterOutputs(ctx, c, pulumi.Map{"clusterRoles": c.ClusterRoles, "breakGlassBindings": c.BreakGlassBindings}); err != nil {
		return nil, err
	}
	return c, nil
}
