package guardrails

import (
	"fmt"

	admissionv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/admissionregistration/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/config"
)

// New creates each policy and its binding as children of parent; child names start with name. The
// bindings select the namespaces that carry the label namespaceLabel, whatever its value.
func New(ctx *pulumi.Context, name string, g config.Guardrails, namespaceLabel string, parent pulumi.ResourceOption) error {
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
		policy, err := admissionv1.NewValidatingAdmissionPolicy(ctx, name+"-"+p.Name, &admissionv1.ValidatingAdmissionPolicyArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name), Labels: labels},
			Spec: &admissionv1.ValidatingAdmissionPolicySpecArgs{
				FailurePolicy:    pulumi.String("Fail"),
				MatchConstraints: &admissionv1.MatchResourcesArgs{ResourceRules: rules},
				Variables:        vars,
				Validations: admissionv1.ValidationArray{&admissionv1.ValidationArgs{
					Expression:        pulumi.String(p.Expression),
					MessageExpression: pulumi.String(p.MessageExpression),
					Reason:            pulumi.String("Forbidden"),
				}},
			},
		}, parent)
		if err != nil {
			return fmt.Errorf("guardrail %s: %w", p.Name, err)
		}
		if _, err := admissionv1.NewValidatingAdmissionPolicyBinding(ctx, name+"-"+p.Name, &admissionv1.ValidatingAdmissionPolicyBindingArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name), Labels: labels},
			Spec: &admissionv1.ValidatingAdmissionPolicyBindingSpecArgs{
				PolicyName:        policy.Metadata.Name().Elem(),
				ValidationActions: pulumi.ToStringArray(ValidationActions(g.Actions[p.Rule])),
				MatchResources: &admissionv1.MatchResourcesArgs{
					NamespaceSelector: &metav1.LabelSelectorArgs{MatchExpressions: metav1.LabelSelectorRequirementArray{
						&metav1.LabelSelectorRequirementArgs{Key: pulumi.String(namespaceLabel), Operator: pulumi.String("Exists")},
					}},
				},
			},
		}, parent); err != nil {
			return fmt.Errorf("guardrail binding %s: %w", p.Name, err)
		}
	}
	return nil
}
