package guardrails

import (
	"embed"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/kubeharden/kubeharden/components/internal/child"
	"github.com/kubeharden/kubeharden/config"
)

// RegoFiles are the Rego sources of the Gatekeeper option: lib.rego, shared, and one file a rule.
//
//go:embed rego/*.rego
var RegoFiles embed.FS

// Template is one Gatekeeper ConstraintTemplate and the Constraint that applies it.
type Template struct {
	// Rule is the profile's name of the rule.
	Rule string
	// Kind is the constraint kind the template defines; the template's name is its lower case.
	Kind string
	// File is the rule's Rego file under rego/.
	File string
	// Parameters are the constraint's parameters; nil for none.
	Parameters map[string]any
	// Kinds are the API groups and kinds the constraint matches.
	Kinds []map[string]any
	// ExceptLevels are the Pod Security enforce levels of the namespaces the constraint leaves alone.
	ExceptLevels []string
}

// Templates returns the Gatekeeper templates for a profile's guardrails: the same rules as Policies.
func Templates(g config.Guardrails) []Template {
	workloadKinds := gatekeeperKinds(workloads)
	var out []Template
	if len(g.AllowedRegistries) > 0 {
		out = append(out, Template{Rule: "allowedRegistries", Kind: "KubehardenAllowedRegistries", File: "allowedregistries.rego",
			Parameters: map[string]any{"registries": g.AllowedRegistries}, Kinds: workloadKinds})
	}
	out = append(out,
		Template{Rule: "imageTag", Kind: "KubehardenImageTag", File: "imagetag.rego", Kinds: workloadKinds},
		Template{Rule: "resourceLimits", Kind: "KubehardenResourceLimits", File: "resourcelimits.rego", Kinds: workloadKinds},
		Template{Rule: "serviceAccount", Kind: "KubehardenServiceAccount", File: "serviceaccount.rego", Kinds: workloadKinds},
	)
	templateKinds := gatekeeperKinds(templateResources)
	for _, level := range []psaapi.Level{psaapi.LevelBaseline, psaapi.LevelRestricted} {
		title := strings.ToUpper(string(level[:1])) + string(level[1:])
		out = append(out, Template{Rule: config.PodSecurityTemplatesRule, Kind: "KubehardenPodSecurity" + title,
			File: "podsecurity_" + string(level) + ".rego", Kinds: templateKinds, ExceptLevels: levelsBelow(level)})
	}
	if refused := RefusedServiceTypes(g); len(refused) > 0 {
		out = append(out, Template{Rule: "serviceType", Kind: "KubehardenServiceType", File: "servicetype.rego",
			Parameters: map[string]any{"types": refused}, Kinds: gatekeeperKinds(services)})
	}
	return out
}

// gatekeeperKinds are the resources as a Gatekeeper constraint matches them: API groups and kinds.
func gatekeeperKinds(resources []Resource) []map[string]any {
	out := make([]map[string]any, len(resources))
	for i, r := range resources {
		out[i] = map[string]any{"apiGroups": []string{r.Group}, "kinds": r.Kinds}
	}
	return out
}

// EnforcementAction maps a profile action to Gatekeeper's.
func EnforcementAction(action string) string {
	switch action {
	case "Warn":
		return "warn"
	case "Audit":
		return "dryrun"
	}
	return "deny"
}

func regoSource(file string) (string, error) {
	b, err := RegoFiles.ReadFile("rego/" + file)
	return string(b), err
}

// newGatekeeper creates the ConstraintTemplates and Constraints with opts, and returns the constraints'
// names. Gatekeeper itself (its CRDs and controller) must already run in the cluster.
func newGatekeeper(ctx *pulumi.Context, name string, g config.Guardrails, namespaceLabel string, opts ...pulumi.ResourceOption) ([]string, error) {
	var names []string
	lib, err := regoSource("lib.rego")
	if err != nil {
		return nil, err
	}
	for _, t := range Templates(g) {
		src, err := regoSource(t.File)
		if err != nil {
			return nil, err
		}
		templateName := strings.ToLower(t.Kind)
		params := map[string]any{"type": "object"}
		if t.Parameters != nil {
			props := map[string]any{}
			for k := range t.Parameters {
				props[k] = map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
			}
			params["properties"] = props
		}
		tmpl, err := apiextensions.NewCustomResource(ctx, name+"-"+templateName, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("templates.gatekeeper.sh/v1"),
			Kind:       pulumi.String("ConstraintTemplate"),
			Metadata:   child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(templateName)}),
			OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
				"crd": map[string]any{"spec": map[string]any{
					"names":      map[string]any{"kind": t.Kind},
					"validation": map[string]any{"openAPIV3Schema": params},
				}},
				"targets": []any{map[string]any{"target": "admission.k8s.gatekeeper.sh", "rego": src, "libs": []any{lib}}},
			}},
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("gatekeeper template %s: %w", templateName, err)
		}
		namespaces := []any{map[string]any{"key": namespaceLabel, "operator": "Exists"}}
		if len(t.ExceptLevels) > 0 {
			namespaces = append(namespaces, map[string]any{"key": psaapi.EnforceLevelLabel, "operator": "NotIn", "values": t.ExceptLevels})
		}
		spec := map[string]any{
			"enforcementAction": EnforcementAction(g.Actions[t.Rule]),
			"match":             map[string]any{"kinds": t.Kinds, "namespaceSelector": map[string]any{"matchExpressions": namespaces}},
		}
		if t.Parameters != nil {
			spec["parameters"] = t.Parameters
		}
		constraint := "kubeharden-" + strings.ToLower(strings.TrimPrefix(t.Kind, "Kubeharden"))
		if _, err := apiextensions.NewCustomResource(ctx, name+"-"+templateName, &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String("constraints.gatekeeper.sh/v1beta1"),
			Kind:        pulumi.String(t.Kind),
			Metadata:    child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(constraint)}),
			OtherFields: kubernetes.UntypedArgs{"spec": spec},
		}, append(opts, pulumi.DependsOn([]pulumi.Resource{tmpl}))...); err != nil {
			return nil, fmt.Errorf("gatekeeper constraint %s: %w", t.Kind, err)
		}
		names = append(names, constraint)
	}
	return names, nil
}
