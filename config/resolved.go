package config

import "errors"

// Resolved is a profile that has been decoded strictly, defaulted and validated, its exemptions checked
// against the catalog's IDs: only Load, Resolve and ResolveDocuments make one, so a function that takes
// a Resolved knows all of that was done, once, and does none of it again. Its fields are the profile's,
// read through it (r.Tenants, r.Guardrails.Engine, r.EffectivePodSecurity(&t)); nothing writes them.
// The zero Resolved holds no profile (IsZero), and every component refuses it.
type Resolved struct{ *resolvedProfile }

// resolvedProfile is a Profile, embedded unexported so that no other package can make a Resolved of a
// profile that was not resolved.
type resolvedProfile = Profile

// IsZero is true for the zero Resolved, which holds no profile.
func (r Resolved) IsZero() bool { return r.resolvedProfile == nil }

// Profile is a copy of the resolved profile, for a caller that changes it and resolves it again.
func (r Resolved) Profile() *Profile {
	if r.IsZero() {
		return nil
	}
	return r.resolvedProfile.DeepCopy()
}

// ErrNotResolved is the error of a component given the zero Resolved.
var ErrNotResolved = errors.New("a resolved profile is required (config.Load or config.Resolve makes one)")

// Require is nil for a Resolved that holds a profile, else ErrNotResolved.
func (r Resolved) Require() error {
	if r.IsZero() {
		return ErrNotResolved
	}
	return nil
}
