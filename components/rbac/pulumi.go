package rbac

import (
	rbacpulumi "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeharden/kubeharden/config"
)

// PulumiRules turns k8s.io/api rules into Pulumi inputs.
func PulumiRules(rules []rbacv1.PolicyRule) rbacpulumi.PolicyRuleArray {
	out := rbacpulumi.PolicyRuleArray{}
	for _, r := range rules {
		out = append(out, &rbacpulumi.PolicyRuleArgs{
			ApiGroups: pulumi.ToStringArray(r.APIGroups),
			Resources: pulumi.ToStringArray(r.Resources),
			Verbs:     pulumi.ToStringArray(r.Verbs),
		})
	}
	return out
}

// PulumiSubjects turns profile subjects into Pulumi inputs.
func PulumiSubjects(subjects []config.Subject) rbacpulumi.SubjectArray {
	out := rbacpulumi.SubjectArray{}
	for _, s := range subjects {
		out = append(out, &rbacpulumi.SubjectArgs{Kind: pulumi.String(s.Kind), Name: pulumi.String(s.Name), ApiGroup: pulumi.String("rbac.authorization.k8s.io")})
	}
	return out
}
