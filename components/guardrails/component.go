package guardrails

import (
	"errors"
	"fmt"

	admissionv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/admissionregistration/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/components/internal/child"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

// GuardrailsType is the Pulumi type token of the Guardrails component.
const GuardrailsType = contract.GuardrailsType

// GuardrailsArgs are the inputs of Guardrails. They are plain values: the rules decide which resources
// exist.
type GuardrailsArgs struct {
	// Profile is the resolved profile (config.Load or config.Resolve); its guardrails section is made.
	Profile config.Resolved
	// NamespaceLabel is the label whose namespaces the rules apply to, whatever its value (default: the
	// tenant label every kubeharden tenant namespace carries).
	NamespaceLabel string
}

// Guardrails are the admission rules beyond Pod Security: native ValidatingAdmissionPolicies and their
// bindings, or Gatekeeper ConstraintTemplates and Constraints, as the profile's engine says.
type Guardrails struct {
	pulumi.ResourceState

	// PolicyNames are the names of the admission policies (engine native) or constraints (gatekeeper).
	PolicyNames pulumi.StringArrayOutput `pulumi:"policyNames"`
}

// NewGuardrails creates the rules of the resolved profile's guardrails section as its children; args
// without a resolved profile are refused before anything is registered. Children keep the names they had before Guardrails
// was a component, with an alias to the component's own parent, so that a stack made by an earlier
// kubeharden keeps its objects rather than replacing them.
func NewGuardrails(ctx *pulumi.Context, name string, args *GuardrailsArgs, opts ...pulumi.ResourceOption) (*Guardrails, error) {
	if args == nil {
		return nil, errors.New("guardrails " + name + ": args are required")
	}
	if err := args.Profile.Require(); err != nil {
		return nil, fmt.Errorf("guardrails %s: %w", name, err)
	}
	g := args.Profile.Guardrails
	label := args.NamespaceLabel
	if label == "" {
		label = contract.TenantLabel
	}
	c := &Guardrails{}
	if err := ctx.RegisterComponentResource(GuardrailsType, name, c, opts...); err != nil {
		return nil, err
	}
	children, err := child.Options(c, opts...)
	if err != nil {
		return nil, err
	}
	newRules := newPolicies
	if g.Engine == config.GatekeeperEngine {
		newRules = newGatekeeper
	}
	names, err := newRules(ctx, name, g, label, children...)
	if err != nil {
		return nil, fmt.Errorf("guardrails %s: %w", name, err)
	}
	c.PolicyNames = pulumi.ToStringArray(names).ToStringArrayOutput()
	if err := descriptor.RegisterOutputs(ctx, c, pulumi.Map{"policyNames": c.PolicyNames}); err != nil {
		return nil, err
	}
	return c, nil
}

// newPolicies creates each ValidatingAdmissionPolicy and its binding with opts; child names start with
// name. The bindings select the namespaces that carry the label namespaceLabel, whatever its value, and
// whose Pod Security enforce level is not among the policy's ExceptLevels. It returns the policies' names.
func newPolicies(ctx *pulumi.Context, name string, g config.Guardrails, namespaceLabel string, opts ...pulumi.ResourceOption) ([]string, error) {
	var names []string
	labels := pulumi.StringMap{"app.kubernetes.io/managed-by": pulumi.String("kubeharden")}
	for _, p := range Policies(g) {
		rules := admissionv1.NamedRuleWithOperationsArray{}
		for _, m := range p.Match {
			rules = append(rules, &admissionv1.NamedRuleWithOperationsArgs{
				ApiGroups:   pulumi.StringArray{pulumi.String(m.Group)},
				ApiVersions: pulumi.StringArray{pulumi.String("*")}, // every served version of the named resource
				Operations:  pulumi.ToStringArray([]string{"CREATE", "UPDATE"}),
				Resources:   pulumi.ToStringArray(m.Resources),
			})
		}
		vars := admissionv1.VariableArray{}
		for _, v := range p.Variables {
			vars = append(vars, &admissionv1.VariableArgs{Name: pulumi.String(v[0]), Expression: pulumi.String(v[1])})
		}
		validations := admissionv1.ValidationArray{}
		for _, v := range p.Validations {
			validations = append(validations, &admissionv1.ValidationArgs{
				Expression:        pulumi.String(v.Expression),
				MessageExpression: pulumi.String(v.MessageExpression),
				Reason:            pulumi.String("Forbidden"),
			})
		}
		namespaces := metav1.LabelSelectorRequirementArray{
			&metav1.LabelSelectorRequirementArgs{Key: pulumi.String(namespaceLabel), Operator: pulumi.String("Exists")},
		}
		if len(p.ExceptLevels) > 0 {
			namespaces = append(namespaces, &metav1.LabelSelectorRequirementArgs{
				Key: pulumi.String(psaapi.EnforceLevelLabel), Operator: pulumi.String("NotIn"), Values: pulumi.ToStringArray(p.ExceptLevels),
			})
		}
		policy, err := admissionv1.NewValidatingAdmissionPolicy(ctx, name+"-"+p.Name, &admissionv1.ValidatingAdmissionPolicyArgs{
			Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name), Labels: labels}),
			Spec: &admissionv1.ValidatingAdmissionPolicySpecArgs{
				FailurePolicy:    pulumi.String("Fail"),
				MatchConstraints: &admissionv1.MatchResourcesArgs{ResourceRules: rules},
				Variables:        vars,
				Validations:      validations,
			},
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("guardrail %s: %w", p.Name, err)
		}
		if _, err := admissionv1.NewValidatingAdmissionPolicyBinding(ctx, name+"-"+p.Name, &admissionv1.ValidatingAdmissionPolicyBindingArgs{
			Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name), Labels: labels}),
			Spec: &admissionv1.ValidatingAdmissionPolicyBindingSpecArgs{
				PolicyName:        policy.Metadata.Name().Elem(),
				ValidationActions: pulumi.ToStringArray(ValidationActions(g.Actions[p.Rule])),
				MatchResources: &admissionv1.MatchResourcesArgs{
					NamespaceSelector: &metav1.LabelSelectorArgs{MatchExpressions: namespaces},
				},
			},
		}, opts...); err != nil {
			return nil, fmt.Errorf("guardrail binding %s: %w", p.Name, err)
		}
		names = append(names, p.Name)
	}
	return names, nil
}
