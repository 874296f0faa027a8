// Package guardrails is the Guardrails component (NewGuardrails, kubeharden:guardrails:Guardrails): the
// admission rules beyond Pod Security, as native ValidatingAdmissionPolicies with CEL and their bindings
// or as Gatekeeper ConstraintTemplates and Constraints, applied to the namespaces that carry kubeharden's
// tenant label: images only from allowed registries, no :latest or untagged images, CPU and memory limits
// on every container, no workload on the default ServiceAccount, and no NodePort or LoadBalancer Services
// unless allowed. Policies and Templates are the rules as data, which the tests and the check read.
package guardrails
