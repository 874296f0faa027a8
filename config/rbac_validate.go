package config

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// SubjectKinds are the kinds of RBAC subject a profile may bind.
var SubjectKinds = []string{"Group", "User"}

// privilegedSubjects may never appear in a binding: system:masters is cluster-admin already, and a
// binding to the others would grant every (or every anonymous) caller.
var privilegedSubjects = map[string]string{
	"system:masters":         "is cluster-admin already; bind cluster-admin only through rbac.breakGlass",
	"system:authenticated":   "is every authenticated caller",
	"system:unauthenticated": "is every anonymous caller",
	"system:anonymous":       "is the anonymous user",
}

// ValidateSubjects checks subjects bound to a role.
func ValidateSubjects(subjects []Subject, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, s := range subjects {
		errs = append(errs, validateSubject(s, path.Index(i))...)
	}
	return errs
}

func validateSubject(s Subject, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if !slices.Contains(SubjectKinds, s.Kind) {
		errs = append(errs, field.NotSupported(p.Child("kind"), s.Kind, SubjectKinds))
	}
	switch why, privileged := privilegedSubjects[s.Name]; {
	case strings.TrimSpace(s.Name) == "":
		errs = append(errs, field.Required(p.Child("name"), "the user or group name"))
	case privileged:
		errs = append(errs, field.Forbidden(p.Child("name"), s.Name+" "+why))
	}
	return errs
}

// ValidateRules refuses wildcards and empty lists in extra rules.
func ValidateRules(rules []Rule, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, r := range rules {
		rp := path.Index(i)
		for _, f := range []struct {
			name   string
			values []string
		}{{"apiGroups", r.APIGroups}, {"resources", r.Resources}, {"verbs", r.Verbs}} {
			if len(f.values) == 0 && f.name != "apiGroups" {
				errs = append(errs, field.Required(rp.Child(f.name), "list what is allowed, explicitly"))
			}
			for j, v := range f.values {
				if strings.Contains(v, "*") {
					errs = append(errs, field.Forbidden(rp.Child(f.name).Index(j), "wildcards grant whatever is added to the cluster later: name each one (C-0035, CIS 5.1.3)"))
				}
			}
		}
		for j, v := range r.Verbs {
			if v == "escalate" || v == "bind" || v == "impersonate" {
				errs = append(errs, field.Forbidden(rp.Child("verbs").Index(j), v+" lets a holder grant itself more (CIS 5.1.8)"))
			}
		}
	}
	return errs
}

// ValidateRBAC checks the cluster-wide bindings.
func ValidateRBAC(r *RBAC, path *field.Path) field.ErrorList {
	errs := ValidateSubjects(r.ClusterReaders, path.Child("clusterReaders"))
	errs = append(errs, ValidateSubjects(r.Auditors, path.Child("auditors"))...)
	seen := map[string]bool{}
	for i, b := range r.BreakGlass {
		bp := path.Child("breakGlass").Index(i)
		for _, msg := range validation.IsDNS1123Label(b.Name) {
			errs = append(errs, field.Invalid(bp.Child("name"), b.Name, msg))
		}
		if seen[b.Name] {
			errs = append(errs, field.Duplicate(bp.Child("name"), b.Name))
		}
		seen[b.Name] = true
		if !slices.Contains(SubjectKinds, b.Subject.Kind) {
			errs = append(errs, field.NotSupported(bp.Child("subject", "kind"), b.Subject.Kind, SubjectKinds))
		}
		if strings.TrimSpace(b.Subject.Name) == "" {
			errs = append(errs, field.Required(bp.Child("subject", "name"), "the user or group that may break the glass"))
		}
		if strings.TrimSpace(b.Reason) == "" {
			errs = append(errs, field.Required(bp.Child("reason"), "a binding to cluster-admin says why; the reason is kept in the compliance report"))
		}
	}
	return errs
}

// ValidateAccess checks a tenant's bindings and extra rules.
func ValidateAccess(a *Access, path *field.Path) field.ErrorList {
	errs := ValidateSubjects(a.Admins, path.Child("admins"))
	errs = append(errs, ValidateSubjects(a.Developers, path.Child("developers"))...)
	errs = append(errs, ValidateSubjects(a.Viewers, path.Child("viewers"))...)
	errs = append(errs, ValidateRules(a.DeveloperRules, path.Child("developerRules"))...)
	return errs
}
