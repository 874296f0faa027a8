package contract

import (
	"crypto/sha256"
	"encoding/hex"
)

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
	// MaxFieldManager is the longest field manager name the API server accepts.
	MaxFieldManager = 128

	// SeccompAuditProfile is kubeharden's audit seccomp profile as pods name it (a Localhost profile,
	// relative to the kubelet's seccomp folder): every system call allowed and logged (SCMP_ACT_LOG).
	SeccompAuditProfile = "kubeharden/audit.json"
)

// The RBAC roles kubeharden makes: the components create them, and the check's exemptions name them
// (a tenant's admin may exec into its pods; a break-glass binding to cluster-admin is exempt with its
// reason).
const (
	ClusterReaderRole  = "kubeharden:cluster-reader"
	AuditorRole        = "kubeharden:auditor"
	NamespaceAdminRole = "kubeharden:namespace-admin"
	DeveloperRole      = "kubeharden:developer"
	ViewerRole         = "kubeharden:viewer"
	LogAgentRole       = "kubeharden:log-agent"
	// MetricsScraperRole may get /metrics and nothing else: the monitoring section binds it to the
	// ServiceAccount Prometheus scrapes the API server as.
	MetricsScraperRole = "kubeharden:metrics-scraper"
	// BreakGlassPrefix, followed by the profile's rbac.breakGlass name, names a break-glass
	// ClusterRoleBinding to cluster-admin.
	BreakGlassPrefix = "kubeharden:break-glass:"
)

// The Pulumi type tokens of kubeharden's components ("kubeharden:<module>:<Type>"): the components
// register under them, the component provider constructs them, and the policy pack recognises their
// resources in a preview.
const (
	BaselineType     = "kubeharden:index:Baseline"
	ClusterRBACType  = "kubeharden:rbac:ClusterRBAC"
	GuardrailsType   = "kubeharden:guardrails:Guardrails"
	LogAgentType     = "kubeharden:logging:LogAgent"
	NamespaceType    = "kubeharden:tenant:Namespace"
	ControlPlaneType = "kubeharden:controlplane:ControlPlane"
)

// The namespaces the cluster makes itself. A profile refuses them (and default) for a tenant or the log
// agent; the catalog leaves the system ones to the control plane's own Pod Security exemptions and keeps
// workloads out of default and kube-public.
var (
	// SystemNamespaces are the control plane's: kube-system, kube-public, kube-node-lease.
	SystemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease"}
	// WorkloadFreeNamespaces are those no user workload belongs in (KSV037, CIS 5.6.4).
	WorkloadFreeNamespaces = []string{"default", "kube-public"}
)

// ControlIDs are the IDs of the control catalog's controls: a profile's compliance.exemptions name them
// (and config refuses any other), reports and the policy pack's policies carry them. The catalog
// (package controls) is refused when it is built with any other set.
var ControlIDs = []string{
	"admission-guardrails", "admission-pod-security-defaults", "apiserver-access", "audit-detection-coverage", "audit-logging",
	"container-image-tag", "container-read-only-root-filesystem", "container-resource-limits", "control-plane-tls",
	"controller-manager-and-scheduler", "encryption-at-rest", "kubelet-settings", "log-collection",
	"namespace-pod-security", "namespace-quota-and-limits", "network-default-deny", "network-policy-coverage",
	"no-default-service-account", "no-workloads-in-default-namespaces", "rbac-cluster-admin-binding",
	"rbac-escalation-verbs", "rbac-no-wildcards", "rbac-pod-create", "rbac-pod-exec", "rbac-secrets-access",
	"service-account-token-automount", "service-exposure", "workload-pod-security",
}

// StackFieldManager is the server-side apply field manager of the objects kubeharden makes in a stack:
// "kubeharden/<project>/<stack>". It is the same on every run, so a second apply after a lost answer
// owns what the first one wrote; and it differs between stacks, so two stacks that write the same field
// of one object still conflict instead of silently taking it from each other. A name longer than the API
// server allows is cut and ends in a hash of the whole. The tamper detections know the stack's own
// writes by it.
func StackFieldManager(project, stack string) string {
	name := FieldManagerPrefix + "/" + project + "/" + stack
	if len(name) <= MaxFieldManager {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	suffix := "-" + hex.EncodeToString(sum[:8])
	return name[:MaxFieldManager-len(suffix)] + suffix
}

// The objects kubeharden makes in each namespace it hardens (a tenant's, the log agent's): the
// components create them by these names, and the tamper detections watch them.
const (
	DefaultDenyPolicyName = "default-deny-all"
	DNSEgressPolicyName   = "allow-dns-egress"
	CIDREgressPolicyName  = "allow-cidr-egress"
	QuotaName             = "tenant-quota"
	LimitRangeName        = "tenant-limits"
)

// AdmissionObjectPrefix begins the name of every admission policy and binding, Gatekeeper template and
// constraint kubeharden makes ("kubeharden-pod-security", "kubehardenallowedregistries"); RolePrefix the
// name of every RBAC role and binding ("kubeharden:viewer").
const (
	AdmissionObjectPrefix = "kubeharden"
	RolePrefix            = "kubeharden:"
)
