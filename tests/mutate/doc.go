// Command mutate summarises a mutation-testing run of kubeharden's security core (`make mutate`, which
// runs gremlins over each package of tests/mutate/packages): per package, the mutants killed, survived,
// not covered, timed out and not viable, and the efficacy (killed over killed and survived). It writes
// every survivor to a file, and fails when a survivor is not accepted in docs/testing.md or a package's
// efficacy is under the target.
package main
