// Package check is the pipeline behind `kubeharden check`, `kubeharden report`, `fleet drift` and the
// policy pack: it reads a profile (from a profile file or a stack's settings) and the exemptions it
// implies, gathers the inputs (files and folders through controls/manifests, a live cluster through
// controls/live, a `pulumi preview --json` through controls/preview, which reads a preview's resources as
// the policy pack does) and evaluates the control catalog (package controls) on them.
package check
