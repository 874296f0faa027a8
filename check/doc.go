// Package check is the one check pipeline (Run), behind `kubeharden check`, `kubeharden report`,
// `fleet drift` and the policy pack: it reads a profile (from a profile file or a stack's settings) and
// the exemptions it implies (Exemptions), gathers the inputs (files and folders through
// controls/manifests, a live cluster through controls/live, a `pulumi preview --json` through
// controls/preview, or documents a caller made, as the policy pack does), evaluates the control catalog
// (package controls) on them, places each finding at its line, and returns the report (package report).
package check
