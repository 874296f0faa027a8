package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/kubeharden/kubeharden/check/checktest"

	. "github.com/kubeharden/kubeharden/controls"
	. "github.com/kubeharden/kubeharden/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

func TestCheckManifestsToleratesWhatItDoesNotKnow(t *testing.T) {
	dir := t.TempDir()
	pass, err := os.ReadFile("../controls/testdata/network-default-deny/pass/default-deny.yaml")
	require.NoError(t, err)
	Write(t, dir, "ns.yaml", "# leading comment\n---\n\n---\n"+string(pass))
	Write(t, dir, "crd.yaml", "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: team\nspec:\n  anything: [1, 2]\n")
	Write(t, dir, "list.yaml", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: root\n    namespace: team\n  spec:\n    containers:\n    - name: c\n      image: nginx:1.27\n")
	Write(t, dir, "broken.yaml", "kind: [unclosed\n")
	Write(t, dir, "nokind.yaml", "apiVersion: v1\nmetadata:\n  name: x\n")
	Write(t, dir, "list-of-strings.yaml", "- a\n- b\n")
	Write(t, dir, "notes.txt", "not a manifest, not read")
	require.NoError(t, os.Symlink(dir, filepath.Join(dir, "loop")))
	huge := filepath.Join(dir, "huge.yaml")
	require.NoError(t, os.WriteFile(huge, bytes.Repeat([]byte("#"), 17<<20), 0o644))

	r, err := CheckManifests(DefaultControls(), "1.36.3", dir)
	require.NoError(t, err)
	assert.Equal(t, 5, r.Objects, "Namespace, NetworkPolicy, ResourceQuota, LimitRange, and the Pod from the List")
	assert.Equal(t, 2, r.Skipped, "the CRD and the custom resource")
	var bad []string
	for _, e := range r.Errors {
		bad = append(bad, filepath.Base(e.Path))
		switch filepath.Base(e.Path) {
		case "list-of-strings.yaml":
			assert.Equal(t, "document 1: not a Kubernetes object: a sequence, not a mapping with apiVersion and kind", e.Err)
			assert.Equal(t, 1, e.Line)
		case "loop":
			assert.Contains(t, e.Err, "a symbolic link loop")
		}
	}
	assert.ElementsMatch(t, []string{"broken.yaml", "nokind.yaml", "huge.yaml", "list-of-strings.yaml", "loop"}, bad)
	var pod []string
	for _, f := range r.Findings {
		assert.Equal(t, "Pod/team/root", f.Object, "only the Pod fails: %+v", f)
		assert.Equal(t, 4, f.Line, "the List's item is located at its List: line %d", f.Line)
		pod = append(pod, f.Control)
	}
	assert.Subset(t, pod, []string{"workload-pod-security", "container-read-only-root-filesystem", "no-default-service-account"})
	assert.Equal(t, ExitInput, r.ExitCode(), "what could not be read fails the run closed")

	var text bytes.Buffer
	require.NoError(t, r.WriteText(&text, true))
	assert.Contains(t, text.String(), "\nPod/team/root ("+filepath.Join(dir, "list.yaml")+":4)\n  FAIL ")
	assert.Contains(t, text.String(), "\n  FAIL workload-pod-security spec.containers[0].securityContext.allowPrivilegeEscalation\n"+
		"      violates Pod Security restricted v1.36: allowPrivilegeEscalation != false")
	assert.Contains(t, text.String(), "ERROR "+filepath.Join(dir, "broken.yaml"))
	assert.Contains(t, text.String(), "SKIP  encryption-at-rest: no control-plane settings among the inputs")
	assert.Contains(t, text.String(), "PASS  network-default-deny (1 checked)")
	assert.True(t, strings.HasSuffix(text.String(), "result: ERROR: some inputs could not be read or judged (exit 2)\n"), text.String())
	for _, line := range strings.Split(text.String(), "\n") {
		assert.LessOrEqual(t, len(line), TextWidth, line)
	}
	var quiet bytes.Buffer
	require.NoError(t, r.WriteText(&quiet, false))
	assert.NotContains(t, quiet.String(), "SKIP", "not-evaluated controls are listed only with --verbose")
	assert.Contains(t, quiet.String(), "not evaluated (--verbose says why)")

	var js bytes.Buffer
	require.NoError(t, r.WriteJSON(&js))
	var decoded Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &decoded))
	assert.Equal(t, r.Findings, decoded.Findings)
	assert.Equal(t, r.Errors, decoded.Errors)
}

// TestCheckReportsAWorkloadThatDoesNotDecode: a workload whose spec does not fit its type is an error of
// its file, naming the field, is neither passed nor failed, and is not counted as checked; the file's
// other documents are.
func TestCheckReportsAWorkloadThatDoesNotDecode(t *testing.T) {
	dir := t.TempDir()
	path := Write(t, dir, "team.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n---\n"+
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: root\n  namespace: team\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n---\n"+
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\n  namespace: team\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        securityContext:\n          privileged: maybe\n")
	r, err := CheckManifests(DefaultControls(), "1.36.3", dir)
	require.NoError(t, err)
	assert.Equal(t, 2, r.Objects, "the Namespace and the Pod")
	assert.Equal(t, map[string]int{"Namespace": 1, "Pod": 1}, r.ObjectKinds, "the broken Deployment is an error, not an object checked")
	var summary bytes.Buffer
	require.NoError(t, r.Write(&summary, "summary", false))
	assert.Contains(t, summary.String(), "objects: 1 Namespace, 1 Pod\n")
	assert.Contains(t, summary.String(), "result: ")
	assert.NotContains(t, summary.String(), "privileged", "the summary lists no finding")
	require.Len(t, r.Errors, 1)
	assert.Equal(t, path, r.Errors[0].Path)
	assert.Contains(t, r.Errors[0].Err, "document 3: Deployment broken: ")
	assert.Contains(t, r.Errors[0].Err, `"/spec/template/spec/containers/0/securityContext/privileged"`)
	var judged []string
	for _, f := range r.Findings {
		judged = append(judged, f.Control+" "+f.Object)
	}
	for _, c := range r.Controls {
		for _, e := range c.Evidence {
			judged = append(judged, c.ID+" "+e.Object)
		}
	}
	assert.Contains(t, judged, "workload-pod-security Pod/team/root")
	for _, j := range judged {
		assert.NotContains(t, j, "broken")
	}
	assert.Equal(t, 16, r.Errors[0].Line, "the line the Deployment starts on")
	assert.Equal(t, ExitInput, r.ExitCode(), "a workload nobody could judge fails the run closed, whatever else it found")
}

// TestWriteJSONAsEncodingJSON: the streamed report is byte for byte what encoding/json writes, escapes
// and empty fields included, for a check of the fixtures and for a report with every field set. The one
// difference is invalid UTF-8: both write U+FFFD in its place, encoding/json escaped and the stream as the
// character itself, which decodes to the same string.
func TestWriteJSONAsEncodingJSON(t *testing.T) {
	checked, err := CheckManifests(DefaultControls(), "1.36.3", "../controls/testdata")
	require.NoError(t, err)
	require.NotEmpty(t, checked.Findings)
	full := &Report{KubernetesVersion: "1.36.3", Sources: []string{"a <b> & c", "\u2028é"},
		Controls: []ControlResult{{ID: "x", Title: "<script>", Guide: "g", Inspects: ScopeObjects, Status: StatusExempt, Exempted: 1,
			Evidence: []Evidence{{Object: "Namespace/a", Detail: "d\x00\t\"q\""}}}, {ID: "y", Status: StatusNotEvaluated, NotEvaluated: "why"}},
		Findings: []Finding{}, Exempted: []ExemptedFinding{{Finding: Finding{Control: "x", Object: "o", Field: "f", Message: "m", Remedy: "r"}, Reason: "because"}},
		UnusedExemptions: []Exemption{{Control: "x", Object: "*", Reason: "r"}}, Objects: 3, Configs: 1, Skipped: 2,
		Errors: []manifests.FileError{{Path: "p", Err: "e"}}}
	for name, r := range map[string]*Report{"fixtures": checked, "every field": full, "empty": {}} {
		var got, want bytes.Buffer
		require.NoError(t, r.WriteJSON(&got))
		require.NoError(t, json.NewEncoder(&want).Encode(r))
		assert.Equal(t, want.String(), got.String(), name)
	}

	invalid := &Report{Errors: []manifests.FileError{{Path: "p", Err: "e\xff"}}}
	var got, want bytes.Buffer
	require.NoError(t, invalid.WriteJSON(&got))
	require.NoError(t, json.NewEncoder(&want).Encode(invalid))
	var g, w Report
	require.NoError(t, json.Unmarshal(got.Bytes(), &g))
	require.NoError(t, json.Unmarshal(want.Bytes(), &w))
	assert.Equal(t, w, g)
	assert.Equal(t, "e\uFFFD", g.Errors[0].Err)
}

func TestCheckManifestsExitCodes(t *testing.T) {
	r, err := CheckManifests(DefaultControls(), "1.36.3", "../controls/testdata/network-default-deny/pass")
	require.NoError(t, err)
	assert.Equal(t, ExitPass, r.ExitCode())

	dir := t.TempDir()
	Write(t, dir, "broken.yaml", "{{{")
	r, err = CheckManifests(DefaultControls(), "1.36.3", dir)
	require.NoError(t, err)
	assert.Equal(t, ExitInput, r.ExitCode(), "nothing could be checked")

	r, err = CheckManifests(DefaultControls(), "1.36.3", filepath.Join(dir, "missing"))
	require.NoError(t, err)
	assert.Equal(t, ExitInput, r.ExitCode())
}

func TestSARIFAndJUnit(t *testing.T) {
	dir := t.TempDir()
	fail, err := os.ReadFile("../controls/testdata/rbac-no-wildcards/fail/wildcard-verb.yaml")
	require.NoError(t, err)
	path := Write(t, dir, "roles.yaml", string(fail))
	Write(t, dir, "broken.yaml", "{{{")
	r, err := CheckManifests(DefaultControls(), "1.36.3", dir)
	require.NoError(t, err)
	require.Len(t, r.Findings, 1)

	var sb bytes.Buffer
	require.NoError(t, r.Write(&sb, "sarif", false))
	var s Sarif
	require.NoError(t, json.Unmarshal(sb.Bytes(), &s))
	assert.Equal(t, "2.1.0", s.Version)
	require.Len(t, s.Runs, 1)
	assert.Len(t, s.Runs[0].Tool.Driver.Rules, len(DefaultControls()))
	require.Len(t, s.Runs[0].Results, 1)
	res := s.Runs[0].Results[0]
	assert.Equal(t, "rbac-no-wildcards", res.RuleID)
	assert.Equal(t, path, res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	assert.Equal(t, "Role/team/developer", res.Locations[0].LogicalLocations[0].FullyQualifiedName)
	assert.Contains(t, res.Message.Text, `rules[0].verbs[0]: grants "*"`)

	var jb bytes.Buffer
	require.NoError(t, r.Write(&jb, "junit", false))
	var j JunitSuites
	require.NoError(t, xml.Unmarshal(jb.Bytes(), &j))
	require.Len(t, j.Suites, 1)
	assert.Equal(t, len(DefaultControls()), j.Suites[0].Tests)
	assert.Equal(t, 1, j.Suites[0].Failures)
	assert.Equal(t, 1, j.Suites[0].Errors)
	var failed []string
	for _, c := range j.Suites[0].Cases {
		if len(c.Failures) > 0 {
			failed = append(failed, c.Name)
		}
	}
	assert.Equal(t, []string{"rbac-no-wildcards: Roles name every API group, resource and verb they grant"}, failed)

	assert.EqualError(t, r.Write(&jb, "html", false), `output "html": supported values: text, json, sarif, junit, summary`)
}

// TestUpstreamManifests checks the round-trip fixtures of k8s.io/api (every built-in kind, every field
// filled, YAML and JSON) that nobody here wrote: nothing crashes, kinds it does not inspect are skipped,
// and the real problems in them are found.
func TestUpstreamManifests(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/api").Output()
	require.NoError(t, err)
	dir := filepath.Join(strings.TrimSpace(string(out)), "testdata", "HEAD")
	r, err := CheckManifests(DefaultControls(), "1.36.3", dir)
	require.NoError(t, err)
	assert.Greater(t, r.Objects, 30)
	assert.Greater(t, r.Skipped, 100)
	found := map[string]int{}
	for _, f := range r.Findings {
		found[f.Control]++
		assert.NotEmpty(t, f.Path)
	}
	// Their pods set hostNetwork, privileged and hostPath; their namespaces have no labels.
	assert.Greater(t, found["workload-pod-security"], 5)
	assert.Greater(t, found["namespace-pod-security"], 0)
	t.Logf("%d objects, %d skipped, %d unreadable; findings by control: %v", r.Objects, r.Skipped, len(r.Errors), found)
}

// TestUpstreamBundle checks a popular project's release manifests (../controls/testdata/upstream): it finds their
// real problems, and only those: the operator runs in the default namespace, no NetworkPolicy isolates
// it, and its ClusterRole grants every verb on three rules, one of them on Secrets; its pod template
// meets the restricted standard; the CRD is skipped.
func TestUpstreamBundle(t *testing.T) {
	r, err := CheckManifests(DefaultControls(), "1.36.3", "../controls/testdata/upstream")
	require.NoError(t, err)
	assert.Equal(t, 5, r.Objects, "ClusterRoleBinding, ClusterRole, Deployment, ServiceAccount, Service")
	assert.Equal(t, 1, r.Skipped, "the CustomResourceDefinition")
	assert.Empty(t, r.Errors)
	var found []string
	for _, f := range r.Findings {
		found = append(found, f.Control+" "+f.Object+" "+f.Field)
	}
	assert.Equal(t, []string{
		"network-policy-coverage Deployment/default/prometheus-operator spec.template.metadata.labels",
		"no-workloads-in-default-namespaces Deployment/default/prometheus-operator metadata.namespace",
		"rbac-no-wildcards ClusterRole/prometheus-operator rules[0].verbs[0]",
		"rbac-no-wildcards ClusterRole/prometheus-operator rules[1].verbs[0]",
		"rbac-no-wildcards ClusterRole/prometheus-operator rules[2].verbs[0]",
		"rbac-secrets-access ClusterRole/prometheus-operator rules[2]",
	}, found)
	for _, c := range r.Controls {
		if c.ID == "workload-pod-security" {
			assert.Equal(t, StatusPass, c.Status)
			require.Len(t, c.Evidence, 1)
			assert.Equal(t, "Deployment/default/prometheus-operator", c.Evidence[0].Object)
		}
	}
}

// TestSummaryCountsKinds: the summary counts what was checked and what no control inspects, by kind.
func TestSummaryCountsKinds(t *testing.T) {
	dir := t.TempDir()
	Write(t, dir, "app.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n---\n"+
		"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: settings\n  namespace: app\n---\n"+
		"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: more\n  namespace: app\n")
	r, err := CheckManifests(DefaultControls(), "1.36.3", dir)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, r.WriteSummary(&out))
	assert.Contains(t, out.String(), "objects: 1 Namespace\nnot inspected by any control: 2 Widget.example.com\nchecked 1 objects")
	assert.Contains(t, out.String(), "result: FAIL")
}
