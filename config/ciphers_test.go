package config

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTheCISCipherSuitesAreGosStrongOnes: the one list of strong suites (which the profile defaults to
// and validates against, and the control-plane-tls and kubelet-settings controls judge by) is every
// TLS 1.2 suite Go calls secure with ECDHE key exchange and an AEAD cipher, by Go's names.
func TestTheCISCipherSuitesAreGosStrongOnes(t *testing.T) {
	var strong []string
	for _, s := range tls.CipherSuites() {
		if strings.HasPrefix(s.Name, "TLS_ECDHE_") && (strings.Contains(s.Name, "_GCM_") || strings.Contains(s.Name, "CHACHA20_POLY1305")) {
			strong = append(strong, s.Name)
		}
	}
	assert.ElementsMatch(t, strong, CISCipherSuites)
}
