package controls

import (
	"fmt"
	"path"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Exemption excuses a control's findings, for one object or for all of them, with the reason an auditor
// reads. It comes from the profile (compliance.exemptions).
type Exemption struct {
	// Control is the exempted control's ID.
	Control string `json:"control"`
	// Object is a finding's object, such as "Namespace/legacy" or "kube-apiserver"; "*" matches within a
	// segment (path.Match). Empty exempts every finding of the control.
	Object string `json:"object,omitempty"`
	// Reason says why; it is required.
	Reason string `json:"reason"`
}

// ValidateExemptions checks exemptions against a catalog: every one names a control of it and gives a
// reason, and an object pattern must be well formed.
func ValidateExemptions(catalog []Control, exemptions []Exemption, path_ *field.Path) field.ErrorList {
	ids := make([]string, len(catalog))
	known := map[string]bool{}
	for i, c := range catalog {
		ids[i] = c.ID
		known[c.ID] = true
	}
	var errs field.ErrorList
	for i, e := range exemptions {
		p := path_.Index(i)
		if !known[e.Control] {
			errs = append(errs, field.NotSupported(p.Child("control"), e.Control, ids))
		}
		if strings.TrimSpace(e.Reason) == "" {
			errs = append(errs, field.Required(p.Child("reason"), "an exemption must say why; the reason appears in every report"))
		}
		if _, err := path.Match(e.Object, ""); err != nil {
			errs = append(errs, field.Invalid(p.Child("object"), e.Object, fmt.Sprintf("not a valid pattern: %v", err)))
		}
	}
	return errs
}

// matches is true when the exemption covers a finding.
func (e Exemption) matches(f Finding) bool {
	if e.Control != f.Control {
		return false
	}
	if e.Object == "" {
		return true
	}
	ok, _ := path.Match(e.Object, f.Object)
	return ok
}

// ExemptedFinding is a finding an exemption covers, with its reason.
type ExemptedFinding struct {
	Finding
	Reason string `json:"reason"`
}
