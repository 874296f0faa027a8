package config

import "testing"

func TestValidateRBACAndAccess(t *testing.T) {
	cases := []struct {
		name   string
		change func(p *Profile)
		want   []string
	}{
		{"valid bindings", func(p *Profile) {
			p.RBAC.ClusterReaders = []Subject{{Kind: "Group", Name: "oidc:sre"}}
			p.RBAC.BreakGlass = []BreakGlass{{Name: "oncall", Subject: Subject{Kind: "Group", Name: "oidc:oncall"}, Reason: "incident response"}}
			p.Tenants[0].Access = Access{Developers: []Subject{{Kind: "User", Name: "oidc:ana"}},
				DeveloperRules: []Rule{{APIGroups: []string{"example.com"}, Resources: []string{"widgets"}, Verbs: []string{"get", "list"}}}}
		}, nil},
		{"wildcard verb", func(p *Profile) {
			p.Tenants[0].Access.DeveloperRules = []Rule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"*"}}}
		}, []string{`tenants[0].access.developerRules[0].verbs[0]: Forbidden: wildcards grant whatever is added to the cluster later: name each one (C-0035, CIS 5.1.3)`}},
		{"wildcard group", func(p *Profile) {
			p.Tenants[0].Access.DeveloperRules = []Rule{{APIGroups: []string{"*"}, Resources: []string{"widgets"}, Verbs: []string{"get"}}}
		}, []string{`tenants[0].access.developerRules[0].apiGroups[0]: Forbidden: wildcards grant whatever is added to the cluster later: name each one (C-0035, CIS 5.1.3)`}},
		{"escalate verb", func(p *Profile) {
			p.Tenants[0].Access.DeveloperRules = []Rule{{Resources: []string{"roles"}, APIGroups: []string{"rbac.authorization.k8s.io"}, Verbs: []string{"escalate"}}}
		}, []string{`tenants[0].access.developerRules[0].verbs[0]: Forbidden: escalate lets a holder grant itself more (CIS 5.1.8)`}},
		{"binding to system:masters", func(p *Profile) { p.RBAC.Auditors = []Subject{{Kind: "Group", Name: "system:masters"}} },
			[]string{`rbac.auditors[0].name: Forbidden: system:masters is cluster-admin already; bind cluster-admin only through rbac.breakGlass`}},
		{"binding to every caller", func(p *Profile) {
			p.Tenants[1].Access.Viewers = []Subject{{Kind: "Group", Name: "system:authenticated"}}
		},
			[]string{`tenants[1].access.viewers[0].name: Forbidden: system:authenticated is every authenticated caller`}},
		{"break glass without reason", func(p *Profile) {
			p.RBAC.BreakGlass = []BreakGlass{{Name: "oncall", Subject: Subject{Kind: "Group", Name: "oidc:oncall"}}}
		}, []string{`rbac.breakGlass[0].reason: Required value: a binding to cluster-admin says why; the reason is kept in the compliance report`}},
		{"unknown subject kind", func(p *Profile) { p.Tenants[0].Access.Admins = []Subject{{Kind: "ServiceAccount", Name: "ci"}} },
			[]string{`tenants[0].access.admins[0].kind: Unsupported value: "ServiceAccount": supported values: "Group", "User"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { assertProfileErrors(t, tc.change, tc.want) })
	}
}
