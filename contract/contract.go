package contract

const (
	// ManagedByLabel, with the value ManagedByValue, marks every object kubeharden makes.
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedByValue = "kubeharden"
	// TenantLabel names, on a tenant namespace, the tenant it belongs to; the admission guardrails bind to
	// the namespaces that carry it.
	TenantLabel = "kubeharden.io/tenant"
	// PodSecurityExemptionReasonAnnotation records, on a namespace that enforces less than restricted,
	// why: the profile's exemptionReason. The namespace-pod-security control passes such a namespace and
	// reports the reason.
	PodSecurityExemptionReasonAnnotation = "kubeharden.io/pod-security-exemption-reason"
	// BreakGlassReasonAnnotation records, on a break-glass binding to cluster-admin, the profile's reason
	// for it; the check exempts the binding with the same reason.
	BreakGlassReasonAnnotation = "kubeharden.io/break-glass-reason"
	// FieldManagerAnnotation is the kubernetes provider's annotation that names the server-side apply field
	// manager of an object. Every object kubeharden makes carries it, set to FieldManagerPrefix and the
	// stack, so that an apply whose answer was lost (the API server died after the write) is retried as the
	// same manager and finds its own fields, instead of conflicting with them as a new random manager.
	FieldManagerAnnotation = "pulumi.com/patchFieldManager"
	FieldManagerPrefix     = "kubeharden"

	// SeccompAuditProfile is kubeharden's audit seccomp profile as pods name it (a Localhost profile,
	// relative to the kubelet's seccomp folder): every system call allowed and logged (SCMP_ACT_LOG).
	SeccompAuditProfile = "kubeharden/audit.json"
)
