package componenttest

import (
	"testing"

	"github.com/kubeharden/kubeharden/config"
)

// Resolved is p resolved (config.Resolve), as a program gives it to a component; a profile that does not
// resolve fails the test.
func Resolved(t testing.TB, p *config.Profile) config.Resolved {
	t.Helper()
	r, err := config.Resolve(p)
	if err != nil {
		t.Fatalf("resolving the test's profile: %v", err)
	}
	return r
}
