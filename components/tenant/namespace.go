package tenant

import (
	"errors"
	"fmt"
	"slices"

	admissionv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/admissionregistration/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	rbacpulumi "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/components/internal/child"
	"github.com/kubeharden/kubeharden/components/rbac"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

// NamespaceType is the Pulumi type token of the Namespace component.
const NamespaceType = contract.NamespaceType

// Names of the objects the component creates inside the tenant namespace (defined in package contract,
// which the tamper detections read).
const (
	DefaultDenyPolicyName = contract.DefaultDenyPolicyName
	DNSEgressPolicyName   = contract.DNSEgressPolicyName
	CIDREgressPolicyName  = contract.CIDREgressPolicyName
	QuotaName             = contract.QuotaName
	LimitRangeName        = contract.LimitRangeName
	// The labels every tenant namespace carries (defined in package contract, which the controls read).
	ManagedByLabel = contract.ManagedByLabel
	TenantLabel    = contract.TenantLabel
	ManagedByValue = contract.ManagedByValue
)

// NamespaceArgs are the inputs of a tenant Namespace. They are plain values: a namespace's Pod Security
// level and quotas must be known before anything is created.
type NamespaceArgs struct {
	// Profile is the resolved profile (config.Load or config.Resolve): the tenant's entry, the Pod
	// Security it inherits and the cluster DNS its pods may query come from it.
	Profile config.Resolved
	// Tenant names the profile's tenant this namespace is made for.
	Tenant string
}

// Namespace is a hardened tenant namespace and the policies that come with it.
type Namespace struct {
	pulumi.ResourceState

	// NamespaceName is the name of the Kubernetes namespace.
	NamespaceName pulumi.StringOutput `pulumi:"namespaceName"`
	// PodSecurityEnforce is the Pod Security level enforced in the namespace.
	PodSecurityEnforce pulumi.StringOutput `pulumi:"podSecurityEnforce"`
}

// NewNamespace creates a hardened tenant namespace. Invalid args are refused before any resource is
// registered.
func NewNamespace(ctx *pulumi.Context, name string, args *NamespaceArgs, opts ...pulumi.ResourceOption) (*Namespace, error) {
	if args == nil {
		return nil, errors.New("tenant namespace " + name + ": args are required")
	}
	if err := args.Profile.Require(); err != nil {
		return nil, fmt.Errorf("tenant namespace %s: %w", name, err)
	}
	i := slices.IndexFunc(args.Profile.Tenants, func(t config.Tenant) bool { return t.Name == args.Tenant })
	if i < 0 {
		return nil, fmt.Errorf("tenant namespace %s: the profile has no tenant %q", name, args.Tenant)
	}
	t := args.Profile.Tenants[i]
	podSecurity, dns := args.Profile.EffectivePodSecurity(&t), args.Profile.DNS

	c := &Namespace{}
	if err := ctx.RegisterComponentResource(NamespaceType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	var annotations pulumi.StringMapInput
	if a := NamespaceAnnotations(podSecurity); a != nil {
		annotations = pulumi.ToStringMap(a)
	}
	ns, err := corev1.NewNamespace(ctx, name, &corev1.NamespaceArgs{
		Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{
			Name:        pulumi.String(t.Name),
			Labels:      pulumi.ToStringMap(NamespaceLabels(t.Name, podSecurity)),
			Annotations: annotations,
		}),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("tenant namespace %s: %w", name, err)
	}
	// Every object below names the namespace through ns's output, so it is created after the namespace.
	nsName := ns.Metadata.Name().Elem()
	meta := func(objectName string) *metav1.ObjectMetaArgs {
		return child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{
			Name:      pulumi.String(objectName),
			Namespace: nsName,
			Labels:    pulumi.StringMap{ManagedByLabel: pulumi.String(ManagedByValue)},
		})
	}

	// NSA/CISA "Network separation and hardening": deny all ingress and egress, then allow narrowly.
	if _, err := networkingv1.NewNetworkPolicy(ctx, name+"-default-deny", &networkingv1.NetworkPolicyArgs{
		Metadata: meta(DefaultDenyPolicyName),
		Spec: &networkingv1.NetworkPolicySpecArgs{
			PodSelector: &metav1.LabelSelectorArgs{},
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
		},
	}, parent); err != nil {
		return nil, fmt.Errorf("tenant namespace %s: default-deny policy: %w", name, err)
	}

	dnsPorts := networkingv1.NetworkPolicyPortArray{}
	for _, proto := range []string{"UDP", "TCP"} {
		dnsPorts = append(dnsPorts, &networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String(proto), Port: pulumi.Int(53)})
	}
	if _, err := networkingv1.NewNetworkPolicy(ctx, name+"-allow-dns", &networkingv1.NetworkPolicyArgs{
		Metadata: meta(DNSEgressPolicyName),
		Spec: &networkingv1.NetworkPolicySpecArgs{
			PodSelector: &metav1.LabelSelectorArgs{},
			PolicyTypes: pulumi.ToStringArray([]string{"Egress"}),
			Egress: networkingv1.NetworkPolicyEgressRuleArray{&networkingv1.NetworkPolicyEgressRuleArgs{
				To: networkingv1.NetworkPolicyPeerArray{&networkingv1.NetworkPolicyPeerArgs{
					NamespaceSelector: &metav1.LabelSelectorArgs{
						MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String(dns.Namespace)},
					},
					PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(dns.PodLabels)},
				}},
				Ports: dnsPorts,
			}},
		},
	}, parent); err != nil {
		return nil, fmt.Errorf("tenant namespace %s: DNS egress policy: %w", name, err)
	}

	if len(t.EgressCIDRs) > 0 {
		peers := networkingv1.NetworkPolicyPeerArray{}
		for _, cidr := range t.EgressCIDRs {
			block := &networkingv1.IPBlockArgs{Cidr: pulumi.String(cidr)}
			if except := config.MetadataExcept(cidr); len(except) > 0 {
				block.Except = pulumi.ToStringArray(except)
			}
			peers = append(peers, &networkingv1.NetworkPolicyPeerArgs{IpBlock: block})
		}
		if _, err := networkingv1.NewNetworkPolicy(ctx, name+"-allow-cidrs", &networkingv1.NetworkPolicyArgs{
			Metadata: meta(CIDREgressPolicyName),
			Spec: &networkingv1.NetworkPolicySpecArgs{
				PodSelector: &metav1.LabelSelectorArgs{},
				PolicyTypes: pulumi.ToStringArray([]string{"Egress"}),
				Egress:      networkingv1.NetworkPolicyEgressRuleArray{&networkingv1.NetworkPolicyEgressRuleArgs{To: peers}},
			},
		}, parent); err != nil {
			return nil, fmt.Errorf("tenant namespace %s: CIDR egress policy: %w", name, err)
		}
	}

	q := t.Quota
	if _, err := corev1.NewResourceQuota(ctx, name+"-quota", &corev1.ResourceQuotaArgs{
		Metadata: meta(QuotaName),
		Spec: &corev1.ResourceQuotaSpecArgs{
			Hard: pulumi.StringMap{
				"requests.cpu":    pulumi.String(q.RequestsCPU),
				"requests.memory": pulumi.String(q.RequestsMemory),
				"limits.cpu":      pulumi.String(q.LimitsCPU),
				"limits.memory":   pulumi.String(q.LimitsMemory),
				"pods":            pulumi.String(q.Pods),
			},
		},
	}, parent); err != nil {
		return nil, fmt.Errorf("tenant namespace %s: resource quota: %w", name, err)
	}

	l := t.LimitRange
	if _, err := corev1.NewLimitRange(ctx, name+"-limits", &corev1.LimitRangeArgs{
		Metadata: meta(LimitRangeName),
		Spec: &corev1.LimitRangeSpecArgs{
			Limits: corev1.LimitRangeItemArray{&corev1.LimitRangeItemArgs{
				Type:           pulumi.String("Container"),
				Default:        pulumi.StringMap{"cpu": pulumi.String(l.DefaultCPU), "memory": pulumi.String(l.DefaultMemory)},
				DefaultRequest: pulumi.StringMap{"cpu": pulumi.String(l.DefaultRequestCPU), "memory": pulumi.String(l.DefaultRequestMemory)},
				Max:            pulumi.StringMap{"cpu": pulumi.String(l.MaxCPU), "memory": pulumi.String(l.MaxMemory)},
				Min:            pulumi.StringMap{"cpu": pulumi.String(l.MinCPU), "memory": pulumi.String(l.MinMemory)},
			}},
		},
	}, parent); err != nil {
		return nil, fmt.Errorf("tenant namespace %s: limit range: %w", name, err)
	}

	// The controller-manager creates the default ServiceAccount of every namespace: patch it, so that a pod
	// that forgets to name its own account gets no API token (C-0034, CIS 5.1.5).
	if _, err := corev1.NewServiceAccountPatch(ctx, name+"-default-sa", &corev1.ServiceAccountPatchArgs{
		Metadata: child.ObjectMetaPatch(ctx, &metav1.ObjectMetaPatchArgs{
			Name:      pulumi.String("default"),
			Namespace: nsName,
		}),
		AutomountServiceAccountToken: pulumi.Bool(false),
	}, parent); err != nil {
		return nil, fmt.Errorf("tenant namespace %s: default service account: %w", name, err)
	}

	// Least-privilege roles in the namespace, bound only to the subjects the profile names.
	for _, role := range []struct {
		suffix, name string
		rules        []rbacv1.PolicyRule
		subjects     []config.Subject
	}{
		{"admin", rbac.NamespaceAdminRole, rbac.NamespaceAdminRules(), t.Access.Admins},
		{"developer", rbac.DeveloperRole, rbac.DeveloperRules(t.Access), t.Access.Developers},
		{"viewer", rbac.ViewerRole, rbac.ViewerRules(), t.Access.Viewers},
	} {
		r, err := rbacpulumi.NewRole(ctx, name+"-role-"+role.suffix, &rbacpulumi.RoleArgs{
			Metadata: meta(role.name),
			Rules:    rbac.PulumiRules(role.rules),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("tenant namespace %s: role %s: %w", name, role.name, err)
		}
		if len(role.subjects) == 0 {
			continue
		}
		if _, err := rbacpulumi.NewRoleBinding(ctx, name+"-binding-"+role.suffix, &rbacpulumi.RoleBindingArgs{
			Metadata: meta(role.name),
			RoleRef: &rbacpulumi.RoleRefArgs{
				ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("Role"),
				Name: r.Metadata.Name().Elem(),
			},
			Subjects: rbac.PulumiSubjects(role.subjects),
		}, parent); err != nil {
			return nil, fmt.Errorf("tenant namespace %s: binding %s: %w", name, role.name, err)
		}
	}

	if t.SeccompAudit {
		if err := newSeccompAudit(ctx, name, t.Name, nsName, parent); err != nil {
			return nil, fmt.Errorf("tenant namespace %s: seccomp audit: %w", name, err)
		}
	}

	c.NamespaceName = nsName
	c.PodSecurityEnforce = pulumi.String(podSecurity.Enforce).ToStringOutput()
	if err := descriptor.RegisterOutputs(ctx, c, pulumi.Map{
		"namespaceName":      c.NamespaceName,
		"podSecurityEnforce": c.PodSecurityEnforce,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// SeccompAuditPolicyName is the name of a tenant's seccomp audit MutatingAdmissionPolicy and binding.
func SeccompAuditPolicyName(namespace string) string { return "kubeharden-seccomp-audit-" + namespace }

// SeccompAuditMutation is the CEL of the seccomp audit policy: the pod's securityContext gets the audit
// profile (Localhost, contract.SeccompAuditProfile). SeccompAuditCondition limits it to pods that name
// no profile of their own, on the pod or on a container.
const (
	SeccompAuditMutation  = `Object{spec: Object.spec{securityContext: Object.spec.securityContext{seccompProfile: Object.spec.securityContext.seccompProfile{type: "Localhost", localhostProfile: "` + contract.SeccompAuditProfile + `"}}}}`
	SeccompAuditCondition = `(!has(object.spec.securityContext) || !has(object.spec.securityContext.seccompProfile)) && ` +
		`object.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.seccompProfile))`
)

// newSeccompAudit creates the MutatingAdmissionPolicy that runs the namespace's pods without a seccomp
// profile under kubeharden's audit profile, and its binding to the namespace (by its name label, which the
// API server sets and no one can change).
func newSeccompAudit(ctx *pulumi.Context, name, namespace string, nsName pulumi.StringOutput, opts ...pulumi.ResourceOption) error {
	policyName := SeccompAuditPolicyName(namespace)
	labels := pulumi.StringMap{ManagedByLabel: pulumi.String(ManagedByValue)}
	policy, err := admissionv1.NewMutatingAdmissionPolicy(ctx, name+"-seccomp-audit", &admissionv1.MutatingAdmissionPolicyArgs{
		Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(policyName), Labels: labels}),
		Spec: &admissionv1.MutatingAdmissionPolicySpecArgs{
			FailurePolicy: pulumi.String("Fail"),
			MatchConstraints: &admissionv1.MatchResourcesArgs{ResourceRules: admissionv1.NamedRuleWithOperationsArray{
				&admissionv1.NamedRuleWithOperationsArgs{
					ApiGroups: pulumi.StringArray{pulumi.String("")}, ApiVersions: pulumi.StringArray{pulumi.String("v1")},
					Operations: pulumi.StringArray{pulumi.String("CREATE")}, Resources: pulumi.StringArray{pulumi.String("pods")},
				},
			}},
			MatchConditions: admissionv1.MatchConditionArray{&admissionv1.MatchConditionArgs{
				Name: pulumi.String("no-seccomp-profile"), Expression: pulumi.String(SeccompAuditCondition),
			}},
			Mutations: admissionv1.MutationArray{&admissionv1.MutationArgs{
				PatchType:          pulumi.String("ApplyConfiguration"),
				ApplyConfiguration: &admissionv1.ApplyConfigurationArgs{Expression: pulumi.String(SeccompAuditMutation)},
			}},
			ReinvocationPolicy: pulumi.String("Never"),
		},
	}, opts...)
	if err != nil {
		return err
	}
	_, err = admissionv1.NewMutatingAdmissionPolicyBinding(ctx, name+"-seccomp-audit", &admissionv1.MutatingAdmissionPolicyBindingArgs{
		Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(policyName), Labels: labels}),
		Spec: &admissionv1.MutatingAdmissionPolicyBindingSpecArgs{
			PolicyName: policy.Metadata.Name().Elem(),
			MatchResources: &admissionv1.MatchResourcesArgs{NamespaceSelector: &metav1.LabelSelectorArgs{
				MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": nsName},
			}},
		},
	}, opts...)
	return err
}

// NamespaceLabels are the labels of a tenant namespace: the Pod Security Admission mode and version
// labels, and kubeharden's managed-by label.
func NamespaceLabels(namespace string, ps config.PodSecurity) map[string]string {
	labels := PodSecurityLabels(ps)
	labels[ManagedByLabel] = ManagedByValue
	labels[TenantLabel] = namespace
	return labels
}

// NamespaceAnnotations are the annotations of a tenant namespace: the reason it enforces less than
// restricted, where it does (the profile's exemptionReason), for the namespace-pod-security control.
func NamespaceAnnotations(ps config.PodSecurity) map[string]string {
	if ps.ExemptionReason == "" || ps.Enforce == "restricted" {
		return nil
	}
	return map[string]string{contract.PodSecurityExemptionReasonAnnotation: ps.ExemptionReason}
}

// PodSecurityLabels are the Pod Security Admission labels of a namespace: each mode's level and the
// version it is pinned to.
func PodSecurityLabels(ps config.PodSecurity) map[string]string {
	labels := map[string]string{}
	for mode, level := range map[string]string{"enforce": ps.Enforce, "audit": ps.Audit, "warn": ps.Warn} {
		labels["pod-security.kubernetes.io/"+mode] = level
		labels["pod-security.kubernetes.io/"+mode+"-version"] = ps.Version
	}
	return labels
}
