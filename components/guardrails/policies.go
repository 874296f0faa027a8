package guardrails

import (
	"fmt"
	"strings"

	"github.com/kubeharden/kubeharden/config"
)

// Resource is a group and the resources of it a policy matches: by resource name for a native policy,
// by kind for a Gatekeeper constraint (the same ones, in the same order).
type Resource struct {
	Group     string
	Resources []string
	Kinds     []string
}

// Policy is one guardrail: the objects it matches, its CEL variables and its validations.
type Policy struct {
	// Name is the policy's and its binding's name.
	Name string
	// Rule is the profile's name of the rule (the key of guardrails.actions).
	Rule string
	// Match are the resources the policy is evaluated for, on CREATE and UPDATE.
	Match []Resource
	// Variables are CEL variables, in order: name, expression.
	Variables [][2]string
	// Validations must all hold for the object to be admitted.
	Validations []Validation
	// ExceptLevels are the Pod Security enforce levels of the namespaces the policy leaves alone; empty
	// for none.
	ExceptLevels []string
}

// Validation is one CEL expression of a policy and the message it gives when it is false.
type Validation struct {
	// Expression must be true for the object to be admitted.
	Expression string
	// MessageExpression builds the refusal message.
	MessageExpression string
}

// one is a policy's single validation.
func one(expression, message string) []Validation {
	return []Validation{{Expression: expression, MessageExpression: message}}
}

var workloads = []Resource{
	{Group: "", Resources: []string{"pods", "replicationcontrollers"}, Kinds: []string{"Pod", "ReplicationController"}},
	appsWorkloads, batchWorkloads,
}

// The workload kinds of the apps and batch groups, which all have a pod template.
var (
	appsWorkloads = Resource{Group: "apps", Resources: []string{"deployments", "statefulsets", "daemonsets", "replicasets"},
		Kinds: []string{"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}}
	batchWorkloads = Resource{Group: "batch", Resources: []string{"jobs", "cronjobs"}, Kinds: []string{"Job", "CronJob"}}
)

// services are the Services the service type rule matches.
var services = []Resource{{Group: "", Resources: []string{"services"}, Kinds: []string{"Service"}}}

// podVariables find the pod spec of every workload kind, and its containers.
var podVariables = [][2]string{
	{"podSpec", "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)"},
	{"containers", "variables.podSpec.containers + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])"},
}

// celList renders strings as a CEL list literal.
func celList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "'" + strings.ReplaceAll(v, "'", "\\'") + "'"
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// Policies returns the guardrails a profile asks for.
func Policies(g config.Guardrails) []Policy {
	var out []Policy
	if len(g.AllowedRegistries) > 0 {
		regs := celList(g.AllowedRegistries)
		allowed := "%s.exists(r, c.image.startsWith(r + '/'))"
		out = append(out, Policy{
			Name: "kubeharden-allowed-registries", Rule: "allowedRegistries", Match: workloads, Variables: podVariables,
			Validations: one("variables.containers.all(c, "+fmt.Sprintf(allowed, regs)+")",
				"'images must come from an allowed registry ("+strings.Join(g.AllowedRegistries, ", ")+"); not allowed: ' + "+
					"variables.containers.filter(c, !"+fmt.Sprintf(allowed, regs)+").map(c, c.image).join(', ')"),
		})
	}
	tagged := "c.image.matches('@sha256:[a-f0-9]{64}$') || (c.image.matches(':[^/:@]+$') && !c.image.endsWith(':latest'))"
	out = append(out, Policy{
		Name: "kubeharden-image-tag", Rule: "imageTag", Match: workloads, Variables: podVariables,
		Validations: one("variables.containers.all(c, "+tagged+")",
			"'images need a version tag other than latest, or a digest: ' + "+
				"variables.containers.filter(c, !("+tagged+")).map(c, c.image).join(', ')"),
	})
	limited := "has(c.resources) && has(c.resources.limits) && 'cpu' in c.resources.limits && 'memory' in c.resources.limits"
	out = append(out, Policy{
		Name: "kubeharden-resource-limits", Rule: "resourceLimits", Match: workloads, Variables: podVariables,
		Validations: one("variables.containers.all(c, "+limited+")",
			"'every container needs CPU and memory limits (C-0270, C-0271); missing in: ' + "+
				"variables.containers.filter(c, !("+limited+")).map(c, c.name).join(', ')"),
	})
	out = append(out, Policy{
		Name: "kubeharden-service-account", Rule: "serviceAccount", Match: workloads, Variables: podVariables,
		Validations: one("has(variables.podSpec.serviceAccountName) && variables.podSpec.serviceAccountName != '' && variables.podSpec.serviceAccountName != 'default'",
			"'workloads run as a ServiceAccount of their own, never the namespace\\'s default one (C-0034, CIS 5.1.5)'"),
	})
	out = append(out, podSecurityPolicy())
	if refused := RefusedServiceTypes(g); len(refused) > 0 {
		out = append(out, Policy{
			Name: "kubeharden-service-type", Rule: "serviceType", Match: services,
			Validations: one("!has(object.spec.type) || !(object.spec.type in "+celList(refused)+")",
				"'Services of type ' + object.spec.type + ' expose the nodes; tenants may not create them (guide: network separation)'"),
		})
	}
	return out
}

// RefusedServiceTypes are the Service types tenants may not create.
func RefusedServiceTypes(g config.Guardrails) []string {
	var refused []string
	if !g.AllowNodePorts {
		refused = append(refused, "NodePort")
	}
	if !g.AllowLoadBalancers {
		refused = append(refused, "LoadBalancer")
	}
	return refused
}

// ValidationActions turns a profile action into a binding's validationActions.
func ValidationActions(action string) []string {
	if action == "Warn" {
		return []string{"Warn", "Audit"} // a warning alone leaves no trace in the audit log
	}
	return []string{action}
}
