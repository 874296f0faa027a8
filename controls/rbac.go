package controls

import (
	"fmt"
	"iter"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

// role is a Role or ClusterRole among the inputs with its rules.
type role struct {
	manifests.Object
	Rules []rbacv1.PolicyRule
	// Aggregated is true for a ClusterRole whose rules the controller-manager fills in from others
	// (aggregationRule): its own rules are not what it grants.
	Aggregated bool
}

// roles yields the inventory's Roles and ClusterRoles, decoded.
func (inv *Inventory) roles() iter.Seq[role] {
	return func(yield func(role) bool) {
		for o := range inv.ByKind("Role") {
			if r, ok := o.Typed().(*rbacv1.Role); ok && !yield(role{Object: o, Rules: r.Rules}) {
				return
			}
		}
		for o := range inv.ByKind("ClusterRole") {
			if r, ok := o.Typed().(*rbacv1.ClusterRole); ok && !yield(role{Object: o, Rules: r.Rules, Aggregated: r.AggregationRule != nil}) {
				return
			}
		}
	}
}

// grants is true when the rule grants one of verbs on resource (such as "pods/exec") of API group
// group, as the RBAC authorizer reads it: "*" matches any group, resource or verb, "pods/*" any
// subresource of pods, "*/exec" that subresource of any resource.
func grants(r rbacv1.PolicyRule, group, resource string, verbs ...string) bool {
	if !slices.Contains(r.APIGroups, "*") && !slices.Contains(r.APIGroups, group) {
		return false
	}
	if !slices.Contains(r.Verbs, "*") && !slices.ContainsFunc(verbs, func(v string) bool { return slices.Contains(r.Verbs, v) }) {
		return false
	}
	base, sub, _ := strings.Cut(resource, "/")
	return slices.ContainsFunc(r.Resources, func(res string) bool {
		rb, rs, hasSub := strings.Cut(res, "/")
		switch {
		case res == "*" || res == resource:
			return true
		case hasSub && sub != "":
			return (rb == base || rb == "*") && (rs == sub || rs == "*")
		}
		return false
	})
}

// grantedVerbs are the verbs of the rule that grant one of verbs ("*" included).
func grantedVerbs(r rbacv1.PolicyRule, verbs ...string) []string {
	var out []string
	for _, v := range r.Verbs {
		if v == "*" || slices.Contains(verbs, v) {
			out = append(out, v)
		}
	}
	return out
}

// roleRule is the field path of a role's rule.
func roleRule(i int) string { return fmt.Sprintf("rules[%d]", i) }

// judgeRoles runs a rule check on every non-aggregated role: each rule that grant reports as granting
// something becomes a finding; a role with none is evidence.
func (inv *Inventory) judgeRoles(grant func(r rbacv1.PolicyRule) (message string, ok bool), remedy, passed string) Result {
	var out Result
	for r := range inv.roles() {
		if r.Aggregated {
			continue
		}
		before := len(out.Findings)
		for i, rule := range r.Rules {
			if msg, ok := grant(rule); ok {
				out.Findings = append(out.Findings, Finding{Object: r.Key(), Path: r.Path, Field: roleRule(i), Message: msg, Remedy: remedy})
			}
		}
		if len(out.Findings) == before {
			out.Evidence = append(out.Evidence, Evidence{Object: r.Key(), Path: r.Path, Detail: fmt.Sprintf("%d rules; %s", len(r.Rules), passed)})
		}
	}
	return out
}

// binding is a RoleBinding or ClusterRoleBinding among the inputs.
type binding struct {
	manifests.Object
	RoleRef  rbacv1.RoleRef
	Subjects []rbacv1.Subject
	// Cluster is true for a ClusterRoleBinding: what it grants, it grants in every namespace.
	Cluster bool
}

// bindings yields the inventory's RoleBindings and ClusterRoleBindings, decoded.
func (inv *Inventory) bindings() iter.Seq[binding] {
	return func(yield func(binding) bool) {
		for o := range inv.ByKind("RoleBinding") {
			if b, ok := o.Typed().(*rbacv1.RoleBinding); ok && !yield(binding{Object: o, RoleRef: b.RoleRef, Subjects: b.Subjects}) {
				return
			}
		}
		for o := range inv.ByKind("ClusterRoleBinding") {
			if b, ok := o.Typed().(*rbacv1.ClusterRoleBinding); ok && !yield(binding{Object: o, RoleRef: b.RoleRef, Subjects: b.Subjects, Cluster: true}) {
				return
			}
		}
	}
}

// subjectNames names a binding's subjects for a message.
func subjectNames(subjects []rbacv1.Subject) string {
	names := make([]string, len(subjects))
	for i, s := range subjects {
		names[i] = s.Kind + " " + s.Name
		if s.Namespace != "" {
			names[i] = s.Kind + " " + s.Namespace + "/" + s.Name
		}
	}
	return strings.Join(names, ", ")
}
