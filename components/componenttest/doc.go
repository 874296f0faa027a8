// Package componenttest runs kubeharden components under pulumi.WithMocks and records every resource they
// register, for fast unit tests that need no engine and no provider.
package componenttest
