package report_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	. "github.com/kubeharden/kubeharden/check/checktest"

	. "github.com/kubeharden/kubeharden/controls"
	. "github.com/kubeharden/kubeharden/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

func reportForRendering(t *testing.T) *Report {
	t.Helper()
	r, err := Check(CheckOptions{Catalog: DefaultControls(), KubernetesVersion: "1.36.3",
		Paths: []string{"../controls/testdata/workload-pod-security/fail/privileged.yaml", "../controls/testdata/rbac-no-wildcards/fail/wildcard-verb.yaml",
			"../controls/testdata/encryption-at-rest/pass/secretbox.yaml"},
		Exemptions: []Exemption{{Control: "workload-pod-security", Object: "Pod/team/app", Reason: "batch <jobs> | moving by 2027-03"}}})
	require.NoError(t, err)
	return r
}

// TestHTMLReportIsSelfContained parses the page: every control is a row of the matrix with its status,
// findings and exemptions are there with their reasons, text is escaped, and nothing is loaded from
// anywhere: no script, no stylesheet link, no image, no link that leaves the page.
func TestHTMLReportIsSelfContained(t *testing.T) {
	r := reportForRendering(t)
	var out bytes.Buffer
	require.NoError(t, r.WriteHTML(&out, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)))
	page := out.String()

	doc, err := html.Parse(strings.NewReader(page))
	require.NoError(t, err)
	var walk func(n *html.Node)
	rows := map[string]string{} // control ID -> status in the matrix
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			assert.NotContains(t, []string{"script", "link", "img", "iframe", "object", "embed"}, n.Data, "the page loads nothing")
			for _, a := range n.Attr {
				if a.Key == "href" {
					assert.True(t, strings.HasPrefix(a.Val, "#"), "a link that leaves the page: %s", a.Val)
				}
				assert.NotEqual(t, "src", a.Key)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, m := range regexp.MustCompile(`<tr><td><span class="status ([a-z-]+)">[a-z-]+</span></td><td><a href="#([a-z-]+)">`).FindAllStringSubmatch(page, -1) {
		rows[m[2]] = m[1]
	}
	require.Len(t, rows, len(r.Controls), "one matrix row a control")
	for _, c := range r.Controls {
		assert.Equal(t, string(c.Status), rows[c.ID], c.ID)
	}
	assert.Equal(t, "fail", rows["rbac-no-wildcards"])
	assert.Equal(t, "exempt", rows["workload-pod-security"])
	assert.Equal(t, "pass", rows["encryption-at-rest"])
	assert.Contains(t, page, "batch &lt;jobs&gt; | moving by 2027-03", "the reason, escaped")
	assert.Contains(t, page, `grants &#34;*&#34;`)
	assert.Contains(t, page, "secrets are encrypted by secretbox", "the evidence behind a passing control")
	assert.Contains(t, page, "../controls/testdata/encryption-at-rest/pass/secretbox.yaml", "the file that proves it")
	assert.Contains(t, page, "default-src 'none'")
}

func TestMarkdownReport(t *testing.T) {
	r := reportForRendering(t)
	var out bytes.Buffer
	require.NoError(t, r.WriteMarkdown(&out, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)))
	md := out.String()
	assert.Contains(t, md, "Checked: `../controls/testdata/workload-pod-security/fail/privileged.yaml`, `../controls/testdata/rbac-no-wildcards/fail/wildcard-verb.yaml`, `../controls/testdata/encryption-at-rest/pass/secretbox.yaml`")
	for _, c := range r.Controls {
		assert.Contains(t, md, "| "+string(c.Status)+" | ["+c.ID+"](#"+c.ID+"): ")
	}
	assert.Contains(t, md, "| workload-pod-security | `Pod/team/app` | batch &lt;jobs&gt; \\| moving by 2027-03 |", "the exemption, with | escaped in its cell")
	assert.Contains(t, md, "| `Role/team/developer` (../controls/testdata/rbac-no-wildcards/fail/wildcard-verb.yaml) | `rules[0].verbs[0]` | grants \"*\" |")
}
