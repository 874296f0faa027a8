package config

// Profile is a cluster's hardening profile. Every field has a documented default (see SetDefaultsProfile),
// so an empty profile is already a hardened one.
type Profile struct {
	// KubernetesVersion is the Kubernetes version the cluster runs, such as "1.36.3". It pins the
	// Pod Security Admission version labels and gates version-dependent settings.
	KubernetesVersion string `json:"kubernetesVersion"`

	// PodSecurity is the Pod Security Admission standard every tenant namespace gets unless it overrides it.
	PodSecurity PodSecurity `json:"podSecurity"`

	// DNS says where the cluster DNS runs: tenant namespaces may send DNS queries there and nowhere else
	// unless a tenant lists egress CIDRs.
	DNS DNS `json:"dns"`

	// Tenants are the namespaces kubeharden creates, one per team or application.
	Tenants []Tenant `json:"tenants"`

	// Logging is the node and container log agent.
	Logging Logging `json:"logging"`

	// Guardrails are the admission rules beyond Pod Security.
	Guardrails Guardrails `json:"guardrails"`

	// RBAC holds the cluster-wide role bindings.
	RBAC RBAC `json:"rbac"`

	// ControlPlane is the hardening of the control-plane nodes.
	ControlPlane ControlPlane `json:"controlPlane"`

	// Compliance says how `kubeharden check` and `kubeharden report` judge the cluster.
	Compliance Compliance `json:"compliance"`

	// Monitoring is the Prometheus alerting rules on the control plane's security signals.
	Monitoring Monitoring `json:"monitoring"`

	// APIVersion is the profile schema's version, kubeharden.io/v1alpha1 (the default).
	APIVersion string `json:"apiVersion,omitempty"`
	// Kind is Profile (the default).
	Kind string `json:"kind,omitempty"`
}

// PodSecurity selects Pod Security Standards levels for the enforce, audit and warn modes of
// Pod Security Admission, and the version of the standard each mode is pinned to.
type PodSecurity struct {
	// Enforce is the level whose violations are refused: privileged, baseline or restricted.
	Enforce string `json:"enforce"`
	// Audit is the level whose violations are recorded in the audit log.
	Audit string `json:"audit"`
	// Warn is the level whose violations are returned to the client as warnings.
	Warn string `json:"warn"`
	// Version pins the policy version, such as "v1.36", so that an upgrade of the API server does not
	// silently tighten or loosen the policy. "latest" is allowed but not the default.
	Version string `json:"version"`
	// ExemptionReason must say why when a tenant's Enforce level is weaker than restricted.
	ExemptionReason string `json:"exemptionReason,omitempty"`
}

// DNS locates the cluster DNS service that tenant pods may query.
type DNS struct {
	// Namespace is the namespace of the DNS pods.
	Namespace string `json:"namespace"`
	// PodLabels select the DNS pods in that namespace.
	PodLabels map[string]string `json:"podLabels"`
}

// Tenant is one hardened namespace.
type Tenant struct {
	// Name is the namespace name, a DNS-1123 label.
	Name string `json:"name"`
	// PodSecurity overrides the profile's PodSecurity for this namespace; empty fields inherit it.
	PodSecurity *PodSecurity `json:"podSecurity,omitempty"`
	// Quota is the namespace's ResourceQuota.
	Quota Quota `json:"quota"`
	// LimitRange is the per-container LimitRange of the namespace.
	LimitRange LimitRange `json:"limitRange"`
	// Access binds the tenant's roles to users and groups.
	Access Access `json:"access"`
	// EgressCIDRs are extra destinations (IPv4 or IPv6 networks) the namespace's pods may reach. The cloud
	// metadata endpoints they contain (169.254.169.254, fd00:ec2::254 and the rest of MetadataEndpoints) are
	// always excepted from them.
	EgressCIDRs []string `json:"egressCIDRs,omitempty"`
	// SeccompAudit runs the namespace's pods that name no seccomp profile under kubeharden's audit
	// profile (controlPlane.kubelet.seccompAuditProfile) instead of RuntimeDefault: their system calls
	// are logged, not refused, to learn what a workload needs. A MutatingAdmissionPolicy sets the profile,
	// so it needs Kubernetes 1.36 (MutatingAdmissionPolicy v1).
	SeccompAudit bool `json:"seccompAudit,omitempty"`
}

// Quota is a namespace ResourceQuota, in Kubernetes quantities.
type Quota struct {
	RequestsCPU    string `json:"requestsCPU"`
	RequestsMemory string `json:"requestsMemory"`
	LimitsCPU      string `json:"limitsCPU"`
	LimitsMemory   string `json:"limitsMemory"`
	Pods           string `json:"pods"`
}

// LimitRange holds the per-container defaults and bounds of a namespace, in Kubernetes quantities.
type LimitRange struct {
	DefaultCPU           string `json:"defaultCPU"`
	DefaultMemory        string `json:"defaultMemory"`
	DefaultRequestCPU    string `json:"defaultRequestCPU"`
	DefaultRequestMemory string `json:"defaultRequestMemory"`
	MaxCPU               string `json:"maxCPU"`
	MaxMemory            string `json:"maxMemory"`
	MinCPU               string `json:"minCPU"`
	MinMemory            string `json:"minMemory"`
}
