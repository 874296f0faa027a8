package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/kubeharden/kubeharden/controls"
)

// sarif is the part of SARIF 2.1.0 that code-scanning tools read.
type sarif struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

// sarifInvocation says whether the run could read and judge all its inputs; code scanning shows a run
// whose executionSuccessful is false, and its notifications, as a failed analysis, not a clean one.
type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string            `json:"id"`
	ShortDescription sarifText         `json:"shortDescription"`
	Help             sarifText         `json:"help"`
	Properties       map[string]string `json:"properties,omitempty"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	Level        string             `json:"level"`
	Message      sarifText          `json:"message"`
	Locations    []sarifLocation    `json:"locations,omitempty"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
}

// sarifSuppression marks an exempted finding: code scanning shows it as dismissed, with the reason.
type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation  `json:"physicalLocation"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation struct {
		URI string `json:"uri"`
	} `json:"artifactLocation"`
	Region *sarifRegion `json:"region,omitempty"`
}

// sarifRegion is where in the file: GitHub code scanning annotates this line.
type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
}

// physicalLocation is a file and, when known, the line and column in it.
func physicalLocation(path string, line, column int) sarifPhysicalLocation {
	var p sarifPhysicalLocation
	p.ArtifactLocation.URI = path
	if line > 0 {
		p.Region = &sarifRegion{StartLine: line, StartColumn: column}
	}
	return p
}

// WriteSARIF writes the report as SARIF 2.1.0: one rule a control, one result a finding, located at
// its file and its object.
func (r *Report) WriteSARIF(w io.Writer) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "kubeharden", InformationURI: "https://github.com/kubeharden/kubeharden"}}}
	for _, c := range r.Controls {
		props := map[string]string{"guide": c.Guide}
		if c.CIS != "" {
			props["cis"] = c.CIS
		}
		if c.Kubescape != "" {
			props["kubescape"] = c.Kubescape
		}
		run.Driver().Rules = append(run.Driver().Rules, sarifRule{ID: c.ID, ShortDescription: sarifText{c.Title},
			Help: sarifText{"NSA/CISA Kubernetes Hardening Guide v1.2: " + c.Guide}, Properties: props})
	}
	run.Results = []sarifResult{}
	inv := sarifInvocation{ExecutionSuccessful: r.ExitCode() != ExitInput, ToolExecutionNotifications: []sarifNotification{}}
	for _, e := range r.Errors {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "error",
			Message: sarifText{"not read or not judged: " + e.Err}, Locations: []sarifLocation{{PhysicalLocation: physicalLocation(e.Path, e.Line, 1)}}})
	}
	if r.NothingJudged() && len(r.Errors) == 0 {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "error",
			Message: sarifText{"nothing to check: no object of a kind any control judges among the inputs"}})
	}
	run.Invocations = []sarifInvocation{inv}
	result := func(f controls.Finding) sarifResult {
		res := sarifResult{RuleID: f.Control, Level: "error", Message: sarifText{findingText(f)}}
		res.Locations = []sarifLocation{{PhysicalLocation: physicalLocation(f.Path, f.Line, f.Column),
			LogicalLocations: []sarifLogicalLocation{{FullyQualifiedName: f.Object}}}}
		return res
	}
	for _, f := range r.Findings {
		run.Results = append(run.Results, result(f))
	}
	for _, f := range r.Exempted {
		res := result(f.Finding)
		res.Suppressions = []sarifSuppression{{Kind: "external", Justification: f.Reason}}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarif{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

func (r *sarifRun) Driver() *sarifDriver { return &r.Tool.Driver }

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Skipped   *junitDetail  `xml:"skipped,omitempty"`
	Failures  []junitDetail `xml:"failure,omitempty"`
	Errors    []junitDetail `xml:"error,omitempty"`
}

type junitDetail struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML: a test case a control, a failure a finding, an error a
// file that could not be read.
func (r *Report) WriteJUnit(w io.Writer) error {
	suite := junitSuite{Name: "kubeharden", Tests: len(r.Controls), Errors: len(r.Errors)}
	for _, c := range r.Controls {
		tc := junitCase{Name: c.ID + ": " + c.Title, ClassName: "kubeharden.controls"}
		for _, f := range r.FindingsOf(c.ID) {
			tc.Failures = append(tc.Failures, junitDetail{Message: f.Object + ": " + f.Message, Text: findingText(f)})
		}
		switch c.Status {
		case StatusFail:
			suite.Failures++
		case StatusNotEvaluated:
			tc.Skipped = &junitDetail{Message: "not evaluated", Text: c.NotEvaluated}
			suite.Skipped++
		case StatusExempt:
			var reasons []string
			for _, f := range r.ExemptedOf(c.ID) {
				reasons = append(reasons, f.Object+": "+f.Reason)
			}
			tc.Skipped = &junitDetail{Message: "exempt", Text: strings.Join(reasons, "\n")}
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, tc)
	}
	if len(r.Errors) > 0 {
		tc := junitCase{Name: "reading manifests", ClassName: "kubeharden.input"}
		for _, e := range r.Errors {
			tc.Errors = append(tc.Errors, junitDetail{Message: e.Path, Text: e.Err})
		}
		suite.Cases = append(suite.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Suites: []junitSuite{suite}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func findingText(f controls.Finding) string {
	parts := []string{f.Object}
	if f.Field != "" {
		parts[0] += " " + f.Field
	}
	parts = append(parts, f.Message, "fix: "+f.Remedy)
	return strings.Join(parts, ": ")
}

// Write writes the report in one of Formats; verbose adds, to the text, the controls not evaluated.
func (r *Report) Write(w io.Writer, format string, verbose bool) error {
	switch format {
	case "text":
		return r.WriteText(w, verbose)
	case "json":
		return r.WriteJSON(w)
	case "sarif":
		return r.WriteSARIF(w)
	case "junit":
		return r.WriteJUnit(w)
	case "summary":
		return r.WriteSummary(w)
	}
	return fmt.Errorf("output %q: supported values: %s", format, strings.Join(Formats, ", "))
}

// Formats are the report formats.
var Formats = []string{"text", "json", "sarif", "junit", "summary"}
