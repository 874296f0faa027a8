// Package componenttest runs kubeharden components under pulumi.WithMocks and records every resource they
// register, for fast unit tests that need no engine and no provider; Resolved resolves a test's profile
// as a program does before it gives it to a component.
package componenttest
