// Package testenv holds the rules every test of kubeharden follows about what it needs from the machine:
// a test whose tool or data is missing is skipped outside CI and fails in CI (Unavailable), and the
// real-world corpus is found in one place (Corpus). It imports only the standard library, so that any
// package's own tests can use it.
package testenv
