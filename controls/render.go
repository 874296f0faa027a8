package controls

import (
	"embed"
	htmltemplate "html/template"
	"io"
	"strings"
	texttemplate "text/template"
	"time"
)

//go:embed templates/report.html.tmpl templates/report.md.tmpl
var templates embed.FS

// reportView is what the report templates see: the report (with its lookups by control) and when it was
// made.
type reportView struct {
	*Report
	Generated string
}

// Count returns how many controls have a status, by name (for the templates).
func (v reportView) Count(s string) int { return v.Report.Count(Status(s)) }

var (
	htmlReport = htmltemplate.Must(htmltemplate.ParseFS(templates, "templates/report.html.tmpl"))
	mdReport   = texttemplate.Must(texttemplate.New("report.md.tmpl").Funcs(texttemplate.FuncMap{"md": markdownCell}).ParseFS(templates, "templates/report.md.tmpl"))
)

// WriteHTML writes the report as one self-contained HTML page: styles inline, no script, no link out, and
// a Content-Security-Policy that forbids loading anything, so it opens the same with no network.
func (r *Report) WriteHTML(w io.Writer, now time.Time) error {
	return htmlReport.Execute(w, reportView{Report: r, Generated: now.UTC().Format(time.RFC3339)})
}

// WriteMarkdown writes the report as Markdown (GitHub-flavoured tables).
func (r *Report) WriteMarkdown(w io.Writer, now time.Time) error {
	return mdReport.Execute(w, reportView{Report: r, Generated: now.UTC().Format(time.RFC3339)})
}

// markdownCell escapes text for a Markdown table cell.
func markdownCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}
