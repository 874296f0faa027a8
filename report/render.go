package report

import (
	"bytes"
	"embed"
	htmltemplate "html/template"
	"io"
	"os"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"
)

//go:embed templates/report.html.tmpl templates/report.md.tmpl
var templates embed.FS

// ReportStyle is the style sheet of the HTML reports, this one and the fleet's drift report.
//
//go:embed templates/report.css
var ReportStyle string

// reportView is what the report templates see: the report (with its lookups by control), when it was
// made, and the style sheet.
type reportView struct {
	*Report
	Generated string
	Style     htmltemplate.CSS
}

// Count returns how many controls have a status, by name (for the templates).
func (v reportView) Count(s string) int { return v.Report.Count(Status(s)) }

var (
	// Parsed when first asked for, not at every start of kubeharden.
	htmlReport = sync.OnceValue(func() *htmltemplate.Template {
		return htmltemplate.Must(htmltemplate.ParseFS(templates, "templates/report.html.tmpl"))
	})
	mdReport = sync.OnceValue(func() *texttemplate.Template {
		return texttemplate.Must(texttemplate.New("report.md.tmpl").Funcs(texttemplate.FuncMap{"md": markdownCell}).ParseFS(templates, "templates/report.md.tmpl"))
	})
)

// WriteHTML writes the report as one self-contained HTML page: styles inline, no script, no link out, and
// a Content-Security-Policy that forbids loading anything, so it opens the same with no network.
func (r *Report) WriteHTML(w io.Writer, now time.Time) error {
	return htmlReport().Execute(w, reportView{Report: r, Generated: now.UTC().Format(time.RFC3339), Style: htmltemplate.CSS(ReportStyle)})
}

// WriteMarkdown writes the report as Markdown (GitHub-flavoured tables).
func (r *Report) WriteMarkdown(w io.Writer, now time.Time) error {
	return mdReport().Execute(w, reportView{Report: r, Generated: now.UTC().Format(time.RFC3339)})
}

// markdownCell escapes text for a Markdown table cell.
func markdownCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

// WriteFiles writes the HTML page to htmlPath and the Markdown to markdownPath, each only where its path
// is not empty, each rendered whole before its file is written. It returns the paths it wrote.
func (r *Report) WriteFiles(htmlPath, markdownPath string, now time.Time) ([]string, error) {
	var written []string
	for _, out := range []struct {
		path  string
		write func(io.Writer, time.Time) error
	}{{htmlPath, r.WriteHTML}, {markdownPath, r.WriteMarkdown}} {
		if out.path == "" {
			continue
		}
		var buf bytes.Buffer
		if err := out.write(&buf, now); err != nil {
			return written, err
		}
		if err := os.WriteFile(out.path, buf.Bytes(), 0o644); err != nil {
			return written, err
		}
		written = append(written, out.path)
	}
	return written, nil
}
