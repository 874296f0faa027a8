// Package components is the root of kubeharden's Pulumi components, and holds nothing else: baseline
// (Baseline, everything a profile asks for), tenant (a hardened tenant Namespace), rbac (ClusterRBAC, and
// the role catalog the tenant roles use), guardrails (Guardrails), logging (LogAgent) and
// controlplanecomponent (ControlPlane, the control-plane file set as stack outputs), with componenttest,
// the mocks their unit tests run under. Each follows the Pulumi component contract: NewX(ctx, name, args,
// opts...) takes the resolved profile (config.Resolved: decoded, defaulted and validated once, by
// config.Load or config.Resolve), refuses nil args or a profile that was not resolved before creating
// anything, registers its type token, parents every child (internal/child) and derives child names from
// its own, and registers its outputs.
package components
