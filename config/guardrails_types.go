package config

// Guardrails are admission rules beyond Pod Security, enforced in tenant namespaces by native
// ValidatingAdmissionPolicies.
type Guardrails struct {
	// Engine is native (ValidatingAdmissionPolicy, built into the API server) or gatekeeper (OPA
	// Gatekeeper ConstraintTemplates in Rego; Gatekeeper must already run in the cluster).
	Engine string `json:"engine"`
	// AllowedRegistries are the registries (host, optional port and path) images may come from, such as
	// "registry.k8s.io" or "ghcr.io/acme". Empty allows every registry.
	AllowedRegistries []string `json:"allowedRegistries"`
	// AllowNodePorts and AllowLoadBalancers let tenants create Services of those types.
	AllowNodePorts     bool `json:"allowNodePorts,omitempty"`
	AllowLoadBalancers bool `json:"allowLoadBalancers,omitempty"`
	// Actions are each rule's enforcement: Deny, Warn or Audit. Rules: allowedRegistries, imageTag,
	// resourceLimits, serviceAccount, serviceType, podSecurityTemplates (a workload whose pod template
	// breaks its namespace's Pod Security level).
	Actions map[string]string `json:"actions"`
}

// GuardrailEngines are the guardrail engines.
var GuardrailEngines = []string{NativeEngine, GatekeeperEngine}

// The guardrail engines: ValidatingAdmissionPolicy, built into the API server, or OPA Gatekeeper.
const (
	NativeEngine     = "native"
	GatekeeperEngine = "gatekeeper"
)

// PodSecurityTemplatesRule is the guardrail rule that refuses a workload (Deployment, Job, ...) whose pod
// template breaks its namespace's Pod Security level, when it is created rather than pod by pod later.
const PodSecurityTemplatesRule = "podSecurityTemplates"

// GuardrailRules are the guardrail rules, by name.
var GuardrailRules = []string{"allowedRegistries", "imageTag", "resourceLimits", "serviceAccount", "serviceType", PodSecurityTemplatesRule}

// GuardrailActions are the enforcement actions of a guardrail rule.
var GuardrailActions = []string{"Deny", "Warn", "Audit"}
