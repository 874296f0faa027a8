// Package guardrails is the Guardrails component (NewGuardrails, kubeharden:guardrails:Guardrails): the
// admission rules beyond Pod Security, as native ValidatingAdmissionPolicies with CEL and their bindings
// or as Gatekeeper ConstraintTemplates and Constraints, applied to the namespaces that carry kubeharden's
// tenant label: images only from allowed registries, no :latest or untagged images, CPU and memory limits
// on every container, no workload on the default ServiceAccount, no NodePort or LoadBalancer Services
// unless allowed, and no workload whose pod template breaks its namespace's Pod Security level
// (TemplateChecks: Pod Security's own checks written for templates, baseline's and restricted's, chosen
// by the namespace's enforce label). Policies and Templates are the rules as data, which the tests and
// the check read.
package guardrails
