package controls

import (
	pathpkg "path"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubeharden/kubeharden/config"
)

// Exemption excuses a control's findings, for one object or for all of them, with the reason an auditor
// reads. It is the profile's own type (compliance.exemptions), defined once in package config.
type Exemption = config.ControlExemption

// ValidateExemptions checks exemptions against a catalog: each has the shape the profile requires
// (config.ValidateExemption: a control, a reason, a well-formed object pattern) and names a control of
// the catalog.
func ValidateExemptions(catalog []Control, exemptions []Exemption, path *field.Path) field.ErrorList {
	ids := make([]string, len(catalog))
	known := map[string]bool{}
	for i, c := range catalog {
		ids[i] = c.ID
		known[c.ID] = true
	}
	var errs field.ErrorList
	for i, e := range exemptions {
		p := path.Index(i)
		if !known[e.Control] {
			errs = append(errs, field.NotSupported(p.Child("control"), e.Control, ids))
		}
		for _, err := range config.ValidateExemption(&e, p) {
			if err.Field != p.Child("control").String() { // the catalog says more about the control than "required"
				errs = append(errs, err)
			}
		}
	}
	return errs
}

// exemptionMatches is true when the exemption covers a finding.
func exemptionMatches(e Exemption, f Finding) bool {
	if e.Control != f.Control {
		return false
	}
	if e.Object == "" {
		return true
	}
	ok, _ := pathpkg.Match(e.Object, f.Object)
	return ok
}

// ExemptedFinding is a finding an exemption covers, with its reason.
type ExemptedFinding struct {
	Finding
	Reason string `json:"reason"`
}
