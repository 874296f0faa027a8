// Package baseline provides the Baseline component: everything a hardening profile puts into a cluster
// (the cluster RBAC, the guardrails, the log agent, every tenant namespace), built from one resolved
// profile (config.Resolved), which it neither defaults nor validates again. It is the one component the
// kubeharden stack program creates.
package baseline
