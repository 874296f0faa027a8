package controls

import (
	"slices"
	"strings"

	"github.com/kubeharden/kubeharden/config"
)

// strongCipherSuites are ECDHE suites with an AEAD, by Go's names (which the components use): the
// profile's own list (config.CISCipherSuites), which a test holds equal to Go's.
var strongCipherSuites = config.CISCipherSuites

// strongCiphers is true for a list of strong cipher suites only.
func strongCiphers(v string, set bool) bool {
	if !set {
		return false
	}
	for _, s := range strings.Split(v, ",") {
		if !slices.Contains(strongCipherSuites, strings.TrimSpace(s)) {
			return false
		}
	}
	return true
}
