// Package check is the pipeline behind `kubeharden check`, `kubeharden report` and the policy pack: it
// reads a profile (from a profile file or a stack's settings) and the exemptions it implies, gathers the
// inputs (files and folders, a live cluster, a `pulumi preview --json`, whose resources it reads as the
// policy pack does, through package policypack) and evaluates the control catalog (package controls) on
// them; PolicyPackOptions are the pack's options from a stack's settings.
package check
