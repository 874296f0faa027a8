package controls

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
)

// serviceAccountIndex is what the inputs say of ServiceAccounts: each one's automountServiceAccountToken
// (nil when it does not set it), and the bindings that grant each one a role, by "namespace/name".
type serviceAccountIndex struct {
	automount map[string]*bool
	declared  map[string]bool
	bindings  map[string][]string
}

// serviceAccountsIndex builds the index once.
func (inv *Inventory) serviceAccountsIndex() serviceAccountIndex {
	return inv.serviceAccounts.get(func() serviceAccountIndex {
		idx := serviceAccountIndex{automount: map[string]*bool{}, declared: map[string]bool{}, bindings: map[string][]string{}}
		for o := range inv.ByKind("ServiceAccount") {
			if sa, ok := o.Typed().(*corev1.ServiceAccount); ok {
				key := namespaceOf(o) + "/" + o.Name
				idx.declared[key], idx.automount[key] = true, sa.AutomountServiceAccountToken
			}
		}
		bind := func(bindingKey, bindingNamespace string, subjects []rbacv1.Subject) {
			for _, s := range subjects {
				if s.Kind != rbacv1.ServiceAccountKind {
					continue
				}
				ns := s.Namespace
				if ns == "" {
					ns = bindingNamespace
				}
				idx.bindings[ns+"/"+s.Name] = append(idx.bindings[ns+"/"+s.Name], bindingKey)
			}
		}
		for o := range inv.ByKind("RoleBinding") {
			if rb, ok := o.Typed().(*rbacv1.RoleBinding); ok {
				bind(o.Key(), namespaceOf(o), rb.Subjects)
			}
		}
		for o := range inv.ByKind("ClusterRoleBinding") {
			if crb, ok := o.Typed().(*rbacv1.ClusterRoleBinding); ok {
				bind(o.Key(), "", crb.Subjects)
			}
		}
		return idx
	})
}

// serviceAccountOf is the name of the ServiceAccount a workload's pods run as.
func serviceAccountOf(w Workload) string {
	if w.Spec.ServiceAccountName != "" {
		return w.Spec.ServiceAccountName
	}
	if w.Spec.DeprecatedServiceAccount != "" {
		return w.Spec.DeprecatedServiceAccount
	}
	return "default"
}
