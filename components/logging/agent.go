package logging

import (
	"errors"
	"fmt"

	admissionv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/admissionregistration/v1"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	rbacpulumi "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/components/internal/child"
	"github.com/kubeharden/kubeharden/components/rbac"
	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

// LogAgentType is the Pulumi type token of the LogAgent component.
const LogAgentType = contract.LogAgentType

// Names of the agent's objects.
const (
	AgentName       = "fluent-bit"
	AgentRole       = contract.LogAgentRole
	OnlyAgentPolicy = "kubeharden-logging-only"
)

// LogAgentArgs are the inputs of a LogAgent.
type LogAgentArgs struct {
	// Profile is the resolved profile (config.Load or config.Resolve); its logging section, which must be
	// enabled, is made.
	Profile config.Resolved
}

// LogAgent is the Fluent Bit DaemonSet and everything it needs.
type LogAgent struct {
	pulumi.ResourceState

	// Namespace is the agent's namespace.
	Namespace pulumi.StringOutput `pulumi:"namespace"`
}

// AgentRules let the agent read the pod and namespace metadata it adds to each record, nothing more.
func AgentRules() []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods", "namespaces"}, Verbs: []string{"get", "list", "watch"}}}
}

// NewLogAgent creates the agent of the resolved profile's logging section; args without a resolved
// profile, or whose profile does not enable logging, are refused before anything is registered.
func NewLogAgent(ctx *pulumi.Context, name string, args *LogAgentArgs, opts ...pulumi.ResourceOption) (*LogAgent, error) {
	if args == nil {
		return nil, errors.New("log agent " + name + ": args are required")
	}
	if err := args.Profile.Require(); err != nil {
		return nil, fmt.Errorf("log agent %s: %w", name, err)
	}
	l := args.Profile.Logging
	if !l.Enabled {
		return nil, fmt.Errorf("log agent %s: %w", name, config.NewInvalidProfileError(field.ErrorList{
			field.Invalid(field.NewPath("logging", "enabled"), false, "the profile does not enable logging: set logging.enabled to true")}))
	}
	c := &LogAgent{}
	if err := ctx.RegisterComponentResource(LogAgentType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	managed := pulumi.StringMap{tenant.ManagedByLabel: pulumi.String(tenant.ManagedByValue)}

	nsLabels := tenant.PodSecurityLabels(l.PodSecurity)
	nsLabels[tenant.ManagedByLabel] = tenant.ManagedByValue // not the tenant label: tenant guardrails stay out
	ns, err := corev1.NewNamespace(ctx, name, &corev1.NamespaceArgs{
		Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{
			Name: pulumi.String(l.Namespace), Labels: pulumi.ToStringMap(nsLabels),
			Annotations: pulumi.ToStringMap(tenant.NamespaceAnnotations(l.PodSecurity)),
		}),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("log agent %s: namespace: %w", name, err)
	}
	nsName := ns.Metadata.Name().Elem()
	meta := func(n string) *metav1.ObjectMetaArgs {
		return child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(n), Namespace: nsName, Labels: managed})
	}

	sa, err := corev1.NewServiceAccount(ctx, name+"-sa", &corev1.ServiceAccountArgs{
		Metadata: meta(AgentName), AutomountServiceAccountToken: pulumi.Bool(false),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("log agent %s: service account: %w", name, err)
	}
	role, err := rbacpulumi.NewClusterRole(ctx, name+"-role", &rbacpulumi.ClusterRoleArgs{
		Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(AgentRole), Labels: managed}),
		Rules:    rbac.PulumiRules(AgentRules()),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("log agent %s: cluster role: %w", name, err)
	}
	if _, err := rbacpulumi.NewClusterRoleBinding(ctx, name+"-role", &rbacpulumi.ClusterRoleBindingArgs{
		Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(AgentRole), Labels: managed}),
		RoleRef:  &rbacpulumi.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("ClusterRole"), Name: role.Metadata.Name().Elem()},
		Subjects: rbacpulumi.SubjectArray{&rbacpulumi.SubjectArgs{Kind: pulumi.String("ServiceAccount"), Name: sa.Metadata.Name().Elem(), Namespace: nsName}},
	}, parent); err != nil {
		return nil, fmt.Errorf("log agent %s: cluster role binding: %w", name, err)
	}

	cfg := FluentBitConfig(l)
	cm, err := corev1.NewConfigMap(ctx, name+"-config", &corev1.ConfigMapArgs{
		Metadata: meta(AgentName), Data: pulumi.StringMap{"fluent-bit.conf": pulumi.String(cfg)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("log agent %s: config: %w", name, err)
	}

	labels := pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(AgentName)}
	if _, err := appsv1.NewDaemonSet(ctx, name, &appsv1.DaemonSetArgs{
		Metadata: meta(AgentName),
		Spec: &appsv1.DaemonSetSpecArgs{
			Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: labels, Annotations: pulumi.StringMap{
					"kubeharden.io/config-checksum": pulumi.String(Checksum(cfg)),
					"prometheus.io/scrape":          pulumi.String("true"),
					"prometheus.io/port":            pulumi.String(fmt.Sprint(MetricPort)),
					"prometheus.io/path":            pulumi.String("/api/v2/metrics/prometheus"),
				}},
				Spec: podSpec(l, sa.Metadata.Name().Elem(), cm.Metadata.Name().Elem()),
			},
		},
	}, parent); err != nil {
		return nil, fmt.Errorf("log agent %s: daemonset: %w", name, err)
	}

	// Nothing but the agent runs in its namespace: its Pod Security exception must not serve anyone else.
	policy, err := admissionv1.NewValidatingAdmissionPolicy(ctx, name+"-only", &admissionv1.ValidatingAdmissionPolicyArgs{
		Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(OnlyAgentPolicy), Labels: managed}),
		Spec: &admissionv1.ValidatingAdmissionPolicySpecArgs{
			FailurePolicy: pulumi.String("Fail"),
			MatchConstraints: &admissionv1.MatchResourcesArgs{ResourceRules: admissionv1.NamedRuleWithOperationsArray{
				&admissionv1.NamedRuleWithOperationsArgs{ApiGroups: pulumi.StringArray{pulumi.String("")}, ApiVersions: pulumi.StringArray{pulumi.String("v1")},
					Operations: pulumi.ToStringArray([]string{"CREATE", "UPDATE"}), Resources: pulumi.ToStringArray([]string{"pods"})},
			}},
			Validations: admissionv1.ValidationArray{&admissionv1.ValidationArgs{
				Expression: pulumi.String("has(object.spec.serviceAccountName) && object.spec.serviceAccountName == '" + AgentName + "'"),
				Message:    pulumi.String("only the log agent runs in the log agent's namespace: its Pod Security exception serves it alone"),
				Reason:     pulumi.String("Forbidden"),
			}},
		},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("log agent %s: policy: %w", name, err)
	}
	if _, err := admissionv1.NewValidatingAdmissionPolicyBinding(ctx, name+"-only", &admissionv1.ValidatingAdmissionPolicyBindingArgs{
		Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(OnlyAgentPolicy), Labels: managed}),
		Spec: &admissionv1.ValidatingAdmissionPolicyBindingSpecArgs{
			PolicyName:        policy.Metadata.Name().Elem(),
			ValidationActions: pulumi.ToStringArray([]string{"Deny"}),
			MatchResources: &admissionv1.MatchResourcesArgs{NamespaceSelector: &metav1.LabelSelectorArgs{
				MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String(l.Namespace)}}},
		},
	}, parent); err != nil {
		return nil, fmt.Errorf("log agent %s: policy binding: %w", name, err)
	}

	if err := newNamespaceGuards(ctx, name, l, meta, parent); err != nil {
		return nil, err
	}

	c.Namespace = nsName
	if err := descriptor.RegisterOutputs(ctx, c, pulumi.Map{"namespace": c.Namespace}); err != nil {
		return nil, err
	}
	return c, nil
}

// newNamespaceGuards gives the agent's namespace what every namespace gets: a default-deny NetworkPolicy
// with narrow exceptions (DNS, the outputs and the API server out; metrics in), a ResourceQuota that
// admits no Service exposure or volume, and a LimitRange sized to the agent.
func newNamespaceGuards(ctx *pulumi.Context, name string, l config.Logging, meta func(string) *metav1.ObjectMetaArgs, parent pulumi.ResourceOption) error {
	all := &metav1.LabelSelectorArgs{}
	if _, err := networkingv1.NewNetworkPolicy(ctx, name+"-default-deny", &networkingv1.NetworkPolicyArgs{
		Metadata: meta(tenant.DefaultDenyPolicyName),
		Spec:     &networkingv1.NetworkPolicySpecArgs{PodSelector: all, PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"})},
	}, parent); err != nil {
		return fmt.Errorf("log agent %s: default-deny policy: %w", name, err)
	}
	ports := networkingv1.NetworkPolicyPortArray{}
	for _, p := range OutputPorts(l) {
		ports = append(ports, &networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(p)})
	}
	egress := networkingv1.NetworkPolicyEgressRuleArray{
		&networkingv1.NetworkPolicyEgressRuleArgs{
			To: networkingv1.NetworkPolicyPeerArray{&networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: &metav1.LabelSelectorArgs{}}},
			Ports: networkingv1.NetworkPolicyPortArray{
				&networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("UDP"), Port: pulumi.Int(53)},
				&networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(53)},
			},
		},
		&networkingv1.NetworkPolicyEgressRuleArgs{
			To: networkingv1.NetworkPolicyPeerArray{
				&networkingv1.NetworkPolicyPeerArgs{IpBlock: &networkingv1.IPBlockArgs{
					Cidr: pulumi.String("0.0.0.0/0"), Except: pulumi.ToStringArray(config.MetadataExcept("0.0.0.0/0"))}},
				&networkingv1.NetworkPolicyPeerArgs{IpBlock: &networkingv1.IPBlockArgs{
					Cidr: pulumi.String("::/0"), Except: pulumi.ToStringArray(config.MetadataExcept("::/0"))}},
			},
			Ports: ports,
		},
	}
	if _, err := networkingv1.NewNetworkPolicy(ctx, name+"-allow", &networkingv1.NetworkPolicyArgs{
		Metadata: meta("allow-log-shipping"),
		Spec: &networkingv1.NetworkPolicySpecArgs{
			PodSelector: all, PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
			Egress: egress,
			Ingress: networkingv1.NetworkPolicyIngressRuleArray{&networkingv1.NetworkPolicyIngressRuleArgs{
				Ports: networkingv1.NetworkPolicyPortArray{&networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(MetricPort)}},
			}},
		},
	}, parent); err != nil {
		return fmt.Errorf("log agent %s: shipping policy: %w", name, err)
	}
	if _, err := corev1.NewResourceQuota(ctx, name+"-quota", &corev1.ResourceQuotaArgs{
		Metadata: meta(tenant.QuotaName),
		Spec: &corev1.ResourceQuotaSpecArgs{Hard: pulumi.StringMap{
			"services": pulumi.String("2"), "services.loadbalancers": pulumi.String("0"), "services.nodeports": pulumi.String("0"),
			"persistentvolumeclaims": pulumi.String("0"), "configmaps": pulumi.String("10"), "secrets": pulumi.String("10"),
		}},
	}, parent); err != nil {
		return fmt.Errorf("log agent %s: quota: %w", name, err)
	}
	if _, err := corev1.NewLimitRange(ctx, name+"-limits", &corev1.LimitRangeArgs{
		Metadata: meta(tenant.LimitRangeName),
		Spec: &corev1.LimitRangeSpecArgs{Limits: corev1.LimitRangeItemArray{&corev1.LimitRangeItemArgs{
			Type: pulumi.String("Container"),
			Max:  pulumi.StringMap{"cpu": pulumi.String("1"), "memory": pulumi.String("512Mi")},
		}}},
	}, parent); err != nil {
		return fmt.Errorf("log agent %s: limit range: %w", name, err)
	}
	return nil
}

// OutputPorts are the TCP ports the agent sends to: its outputs' and the API server's.
func OutputPorts(l config.Logging) []int {
	seen := map[int]bool{443: true, 6443: true}
	ports := []int{443, 6443}
	for _, o := range l.Outputs {
		if o.Type != "stdout" && !seen[o.Port] {
			seen[o.Port] = true
			ports = append(ports, o.Port)
		}
	}
	return ports
}

// podSpec is the agent's pod: root only to read root-owned log files, otherwise without privilege.
func podSpec(l config.Logging, serviceAccount, configMap pulumi.StringInput) *corev1.PodSpecArgs {
	return &corev1.PodSpecArgs{
		ServiceAccountName:           serviceAccount,
		AutomountServiceAccountToken: pulumi.Bool(false), // a projected, expiring token instead, below
		SecurityContext: &corev1.PodSecurityContextArgs{
			SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
		},
		Tolerations: corev1.TolerationArray{&corev1.TolerationArgs{Operator: pulumi.String("Exists")}}, // every node
		Containers: corev1.ContainerArray{&corev1.ContainerArgs{
			Name:  pulumi.String(AgentName),
			Image: pulumi.String(l.Image),
			Args:  pulumi.ToStringArray([]string{"--config=" + ConfigDir + "/fluent-bit.conf"}),
			Ports: corev1.ContainerPortArray{&corev1.ContainerPortArgs{Name: pulumi.String("http-metrics"), ContainerPort: pulumi.Int(MetricPort)}},
			SecurityContext: &corev1.SecurityContextArgs{
				RunAsUser:                pulumi.Int(0), // the owner of the host's log files; no capabilities
				ReadOnlyRootFilesystem:   pulumi.Bool(true),
				AllowPrivilegeEscalation: pulumi.Bool(false),
				Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
			},
			Resources: &corev1.ResourceRequirementsArgs{
				Requests: pulumi.StringMap{"cpu": pulumi.String("50m"), "memory": pulumi.String("64Mi")},
				Limits:   pulumi.StringMap{"cpu": pulumi.String("500m"), "memory": pulumi.String("256Mi")},
			},
			LivenessProbe: &corev1.ProbeArgs{HttpGet: &corev1.HTTPGetActionArgs{Path: pulumi.String("/api/v1/health"), Port: pulumi.Int(MetricPort)}},
			VolumeMounts: corev1.VolumeMountArray{
				&corev1.VolumeMountArgs{Name: pulumi.String("varlog"), MountPath: pulumi.String("/var/log"), ReadOnly: pulumi.Bool(true)},
				&corev1.VolumeMountArgs{Name: pulumi.String("config"), MountPath: pulumi.String(ConfigDir), ReadOnly: pulumi.Bool(true)},
				&corev1.VolumeMountArgs{Name: pulumi.String("buffer"), MountPath: pulumi.String(BufferDir)},
				&corev1.VolumeMountArgs{Name: pulumi.String("token"), MountPath: pulumi.String(TokenDir), ReadOnly: pulumi.Bool(true)},
			},
		}},
		Volumes: corev1.VolumeArray{
			&corev1.VolumeArgs{Name: pulumi.String("varlog"), HostPath: &corev1.HostPathVolumeSourceArgs{Path: pulumi.String("/var/log"), Type: pulumi.String("Directory")}},
			&corev1.VolumeArgs{Name: pulumi.String("config"), ConfigMap: &corev1.ConfigMapVolumeSourceArgs{Name: configMap}},
			&corev1.VolumeArgs{Name: pulumi.String("buffer"), EmptyDir: &corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String("512Mi")}},
			&corev1.VolumeArgs{Name: pulumi.String("token"), Projected: &corev1.ProjectedVolumeSourceArgs{Sources: corev1.VolumeProjectionArray{
				&corev1.VolumeProjectionArgs{ServiceAccountToken: &corev1.ServiceAccountTokenProjectionArgs{Path: pulumi.String("token"), ExpirationSeconds: pulumi.Int(3600)}},
				&corev1.VolumeProjectionArgs{ConfigMap: &corev1.ConfigMapProjectionArgs{Name: pulumi.String("kube-root-ca.crt"),
					Items: corev1.KeyToPathArray{&corev1.KeyToPathArgs{Key: pulumi.String("ca.crt"), Path: pulumi.String("ca.crt")}}}},
			}}},
		},
	}
}
