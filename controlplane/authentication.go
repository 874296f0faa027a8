package controlplane

import (
	apiserverv1 "k8s.io/apiserver/pkg/apis/apiserver/v1"

	"github.com/kubeharden/kubeharden/config"
)

// AuthenticationConfig builds the API server's AuthenticationConfiguration for the profile's OIDC issuer,
// or nil when the profile names none. Its apiVersion, and whether it carries the anonymous section,
// follow the Kubernetes version.
func AuthenticationConfig(p config.Resolved) *apiserverv1.AuthenticationConfiguration {
	o := p.ControlPlane.OIDC
	if o.IssuerURL == "" {
		return nil
	}
	prefix := o.Prefix
	c := &apiserverv1.AuthenticationConfiguration{JWT: []apiserverv1.JWTAuthenticator{{
		Issuer: apiserverv1.Issuer{URL: o.IssuerURL, Audiences: append([]string(nil), o.Audiences...)},
		ClaimMappings: apiserverv1.ClaimMappings{
			Username: apiserverv1.PrefixedClaimOrExpression{Claim: o.UsernameClaim, Prefix: &prefix},
			Groups:   apiserverv1.PrefixedClaimOrExpression{Claim: o.GroupsClaim, Prefix: &prefix},
		},
	}}}
	if Supports(p, AnonymousInAuthenticationConfig) {
		c.Anonymous = &apiserverv1.AnonymousAuthConfig{Enabled: false}
	}
	c.APIVersion = "apiserver.config.k8s.io/v1beta1"
	if Supports(p, AuthenticationConfigV1) {
		c.APIVersion = "apiserver.config.k8s.io/v1"
	}
	c.Kind = "AuthenticationConfiguration"
	return c
}
