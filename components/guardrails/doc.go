// Package guardrails provides admission rules beyond Pod Security, as native ValidatingAdmissionPolicies
// with CEL and their bindings, applied to kubeharden's tenant namespaces: images only from allowed
// registries, no :latest or untagged images, CPU and memory limits on every container, no workload on
// the default ServiceAccount, and no NodePort or LoadBalancer Services unless allowed.
package guardrails
