package timeline

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/kubeharden/kubeharden/detections"
)

func at(min int) time.Time { return time.Date(2026, 12, 7, 10, min, 0, 0, time.UTC) }

// TestTheTimelineGroupsTheAlertsByActorAndObject: the page parses as HTML; the counts by severity and of
// what was not read are its cards; the actors come in the order they first acted, each with its alerts in
// time order; an object's name is text, never markup.
func TestTheTimelineGroupsTheAlertsByActorAndObject(t *testing.T) {
	r := detections.Result{Files: []string{"audit.log"}, Events: 40,
		Alerts: []detections.Alert{
			{Rule: "secrets-read-cluster-wide", Severity: detections.SeverityHigh, User: "mallory", Object: "secrets *", Time: at(3), Detail: "list"},
			{Rule: "cluster-admin-binding", Severity: detections.SeverityCritical, User: "bob", Object: "clusterrolebindings <script>x</script>", Time: at(2), Detail: "binds"},
			{Rule: "pod-exec-attach-portforward", Severity: detections.SeverityHigh, User: "mallory", Object: "pods/exec shop/web", Time: at(1), Detail: "exec"},
		},
		Errors: []detections.ReadError{{Path: "audit.log", Line: 7, Err: "not JSON"}}}
	var out bytes.Buffer
	require.NoError(t, Write(&out, r, at(9)))
	page := out.String()
	_, err := html.Parse(strings.NewReader(page))
	require.NoError(t, err)
	assert.NotContains(t, page, "<script>x</script>", "escaped")
	assert.Contains(t, page, "&lt;script&gt;")
	assert.Contains(t, page, `<div class="card fail"><b>1</b>critical</div><div class="card fail"><b>2</b>high</div>`)
	assert.Contains(t, page, `<div class="card fail"><b>1</b>not read</div>`)
	assert.Contains(t, page, "<code>audit.log</code></td><td>7</td><td>not JSON")

	byActor := page[strings.Index(page, "<h2>By actor</h2>"):strings.Index(page, "<h2>By object</h2>")]
	mallory, bob := strings.Index(byActor, `<h3 class="actor">mallory</h3>`), strings.Index(byActor, `<h3 class="actor">bob</h3>`)
	require.True(t, mallory >= 0 && bob >= 0)
	assert.Less(t, mallory, bob, "mallory acted first")
	malloryPart := byActor[mallory:bob]
	assert.Less(t, strings.Index(malloryPart, "pod-exec-attach-portforward"), strings.Index(malloryPart, "secrets-read-cluster-wide"), "in time order")
	assert.Equal(t, 3, strings.Count(page, `<summary class="object">`), "an object a group")
}
