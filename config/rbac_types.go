package config

// Subject is a user or group that a role is bound to.
type Subject struct {
	// Kind is Group or User.
	Kind string `json:"kind"`
	// Name is the group or user name as the authenticator reports it (with the OIDC prefix, if any).
	Name string `json:"name"`
}

// Rule is an extra RBAC rule. Wildcards are refused.
type Rule struct {
	APIGroups []string `json:"apiGroups"`
	Resources []string `json:"resources"`
	Verbs     []string `json:"verbs"`
}

// Access says who may do what in a tenant namespace.
type Access struct {
	// Admins get the namespace admin role: everything in the namespace except its quota, limits,
	// network policies and the bind, escalate and impersonate verbs.
	Admins []Subject `json:"admins"`
	// Developers manage workloads; they cannot read Secrets or create RoleBindings.
	Developers []Subject `json:"developers"`
	// Viewers read workloads; they cannot read Secrets.
	Viewers []Subject `json:"viewers"`
	// AllowExec lets developers use pods/exec, pods/attach and pods/portforward.
	AllowExec bool `json:"allowExec,omitempty"`
	// DeveloperRules are extra rules for developers, such as a custom resource of the team's own.
	DeveloperRules []Rule `json:"developerRules,omitempty"`
}

// RBAC holds the cluster-wide bindings.
type RBAC struct {
	// ClusterReaders may read every namespace, but not Secrets.
	ClusterReaders []Subject `json:"clusterReaders"`
	// Auditors may read what a reader may, and the RBAC and admission configuration.
	Auditors []Subject `json:"auditors"`
	// BreakGlass are the only bindings to cluster-admin kubeharden will make, each named and reasoned.
	BreakGlass []BreakGlass `json:"breakGlass"`
}

// BreakGlass is an explicit, reasoned binding to cluster-admin.
type BreakGlass struct {
	Name    string  `json:"name"`
	Subject Subject `json:"subject"`
	Reason  string  `json:"reason"`
}
