package timeline

import (
	"embed"
	"html/template"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/kubeharden/kubeharden/detections"
	"github.com/kubeharden/kubeharden/report"
)

//go:embed timeline.html.tmpl
var files embed.FS

// page is the template, parsed when first used.
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("timeline.html.tmpl").Funcs(template.FuncMap{
		"time":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"class": severityClass,
	}).ParseFS(files, "timeline.html.tmpl"))
})

// severityClass is the report style sheet's class a severity is shown with.
func severityClass(s detections.Severity) string {
	switch s {
	case detections.SeverityCritical, detections.SeverityHigh:
		return "fail"
	case detections.SeverityMedium:
		return "exempt"
	}
	return "not-evaluated"
}

// Group is the alerts of one actor or one object, in time order.
type Group struct {
	Key    string
	Alerts []detections.Alert
}

type view struct {
	detections.Result
	Generated         string
	Style             template.CSS
	Severities        []severityCount
	ByActor, ByObject []Group
}

type severityCount struct {
	Severity detections.Severity
	Count    int
}

// groups are the alerts grouped by key, each group in time order, the groups by their first alert.
func groups(alerts []detections.Alert, key func(detections.Alert) string) []Group {
	index := map[string]int{}
	var out []Group
	sorted := append([]detections.Alert(nil), alerts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Time.Before(sorted[j].Time) })
	for _, a := range sorted {
		k := key(a)
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, Group{Key: k})
		}
		out[i].Alerts = append(out[i].Alerts, a)
	}
	return out
}

// Write writes r as the HTML page, stamped with now.
func Write(w io.Writer, r detections.Result, now time.Time) error {
	v := view{Result: r, Generated: now.UTC().Format(time.RFC3339), Style: template.CSS(report.ReportStyle)}
	counts := map[detections.Severity]int{}
	for _, a := range r.Alerts {
		counts[a.Severity]++
	}
	for _, s := range []detections.Severity{detections.SeverityCritical, detections.SeverityHigh, detections.SeverityMedium, detections.SeverityLow} {
		v.Severities = append(v.Severities, severityCount{s, counts[s]})
	}
	v.ByActor = groups(r.Alerts, func(a detections.Alert) string { return a.User })
	v.ByObject = groups(r.Alerts, func(a detections.Alert) string { return a.Object })
	return page().Execute(w, v)
}
