// Package report is the output of a check: New turns the catalog's outcomes into a Report, applying the
// exemptions (the profile's, with their reasons, and the cluster's own bootstrap objects, by
// controls.BootstrapExemption) and giving each control its status; ExitCode fails closed (2 when anything
// could not be read or judged); and the report is written in every format kubeharden offers: text and
// summary for a person, JSON, SARIF and JUnit for machines (Write, Formats), HTML and Markdown
// (WriteHTML, WriteMarkdown) from the templates and style sheet under templates/, which the fleet's drift
// page shares (ReportStyle). It reads nothing and judges nothing.
package report
