package check_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	. "github.com/kubeharden/kubeharden/check/checktest"

	. "github.com/kubeharden/kubeharden/controls"
	. "github.com/kubeharden/kubeharden/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// findingsBy lists a report's findings as "control object field".
func findingsBy(r *Report, control string) []string {
	var out []string
	for _, f := range r.FindingsOf(control) {
		out = append(out, f.Object+" "+f.Field)
	}
	return out
}

func checkDir(t *testing.T, files map[string]string, opts ...func(*CheckOptions)) *Report {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		Write(t, dir, name, content)
	}
	o := CheckOptions{Catalog: DefaultControls(), KubernetesVersion: "1.36.3", Paths: []string{dir}}
	for _, f := range opts {
		f(&o)
	}
	r, err := Check(o)
	require.NoError(t, err)
	return r
}

// TestEveryNamespaceIsJudged: a privileged DaemonSet in kube-system is judged like any other, and so is
// a third-party ClusterRole whose name starts with system:.
func TestEveryNamespaceIsJudged(t *testing.T) {
	r := checkDir(t, map[string]string{
		"ds.yaml": "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: node-agent\n  namespace: kube-system\nspec:\n  selector:\n    matchLabels: {app: a}\n  template:\n    metadata:\n      labels: {app: a}\n    spec:\n" +
			"      hostNetwork: true\n      hostPID: true\n      containers:\n      - name: agent\n        image: vendor/agent:2.1\n        securityContext: {privileged: true}\n      volumes:\n      - name: root\n        hostPath: {path: /}\n",
		"role.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: system:vendor-operator\nrules:\n- apiGroups: ['*']\n  resources: ['*']\n  verbs: ['*']\n",
	})
	got := findingsBy(r, "workload-pod-security")
	for _, want := range []string{
		"DaemonSet/kube-system/node-agent spec.template.spec.hostNetwork",
		"DaemonSet/kube-system/node-agent spec.template.spec.hostPID",
		"DaemonSet/kube-system/node-agent spec.template.spec.volumes[0]",
		"DaemonSet/kube-system/node-agent spec.template.spec.containers[0].securityContext.privileged",
	} {
		assert.Contains(t, got, want)
	}
	assert.Len(t, findingsBy(r, "rbac-no-wildcards"), 3, "apiGroups, resources and verbs")
	assert.Contains(t, findingsBy(r, "rbac-secrets-access"), "ClusterRole/system:vendor-operator rules[0]")
	assert.Contains(t, findingsBy(r, "rbac-escalation-verbs"), "ClusterRole/system:vendor-operator rules[0]")
	assert.Contains(t, findingsBy(r, "rbac-pod-exec"), "ClusterRole/system:vendor-operator rules[0]")
	assert.Empty(t, r.Exempted)
	assert.Equal(t, ExitFail, r.ExitCode())
}

// TestBootstrapObjectsAreExemptByWhatTheyAre: the API server's own RBAC is exempt by its label, with the
// rule shown as the reason; the same role without the label is judged.
func TestBootstrapObjectsAreExemptByWhatTheyAre(t *testing.T) {
	role := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cluster-admin\n%s\nrules:\n- apiGroups: ['*']\n  resources: ['*']\n  verbs: ['*']\n"
	labelled := checkDir(t, map[string]string{"r.yaml": fmtS(role, "  labels: {kubernetes.io/bootstrapping: rbac-defaults}")})
	assert.Empty(t, labelled.Findings)
	require.NotEmpty(t, labelled.Exempted)
	assert.Contains(t, labelled.Exempted[0].Reason, "bootstrap rule: the API server's own bootstrap RBAC")
	assert.Equal(t, StatusExempt, statuses(labelled)["rbac-no-wildcards"])
	var text bytes.Buffer
	require.NoError(t, labelled.WriteText(&text, false))
	assert.Contains(t, text.String(), "reason: bootstrap rule: the API server's own bootstrap RBAC")

	bare := checkDir(t, map[string]string{"r.yaml": fmtS(role, "  annotations: {note: not-the-api-server}")})
	assert.NotEmpty(t, bare.FindingsOf("rbac-no-wildcards"), "the name alone exempts nothing")

}

func fmtS(format, arg string) string {
	return string(bytes.Replace([]byte(format), []byte("%s"), []byte(arg), 1))
}

// TestFailClosed: what cannot be read or judged exits 2 whatever the findings, and SARIF says the run
// did not succeed; findings carry their lines into SARIF's regions.
func TestFailClosed(t *testing.T) {
	r := checkDir(t, map[string]string{
		"ok.yaml":     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: team\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n",
		"legacy.yaml": "# a removed API version\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: old\n  namespace: team\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        securityContext: {privileged: true}\n",
	})
	require.Len(t, r.Errors, 1)
	assert.Equal(t, 2, r.Errors[0].Line)
	assert.NotEmpty(t, r.Findings)
	assert.Equal(t, ExitInput, r.ExitCode(), "an unjudged Deployment fails the run closed")

	var sarifOut bytes.Buffer
	require.NoError(t, r.WriteSARIF(&sarifOut))
	var doc struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful        bool `json:"executionSuccessful"`
				ToolExecutionNotifications []struct {
					Level     string `json:"level"`
					Locations []struct {
						PhysicalLocation struct {
							Region struct{ StartLine int } `json:"region"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						Region struct{ StartLine, StartColumn int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(sarifOut.Bytes(), &doc))
	inv := doc.Runs[0].Invocations[0]
	assert.False(t, inv.ExecutionSuccessful)
	require.Len(t, inv.ToolExecutionNotifications, 1)
	assert.Equal(t, "error", inv.ToolExecutionNotifications[0].Level)
	assert.Equal(t, 2, inv.ToolExecutionNotifications[0].Locations[0].PhysicalLocation.Region.StartLine)
	for _, res := range doc.Runs[0].Results {
		assert.Equal(t, 1, res.Locations[0].PhysicalLocation.Region.StartLine)
		assert.Equal(t, 1, res.Locations[0].PhysicalLocation.Region.StartColumn)
	}

	t.Run("nothing judged", func(t *testing.T) {
		r := checkDir(t, map[string]string{"crd.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: w.example.com\n"})
		assert.Empty(t, r.Errors)
		assert.True(t, r.NothingJudged())
		assert.Equal(t, ExitInput, r.ExitCode(), "a run that judged nothing passes nothing")
		var out bytes.Buffer
		require.NoError(t, r.WriteSARIF(&out))
		assert.Contains(t, out.String(), `"executionSuccessful": false`)
	})
	t.Run("a clean run succeeds", func(t *testing.T) {
		r, err := CheckManifests(DefaultControls(), "1.36.3", "../controls/testdata/workload-pod-security/pass")
		require.NoError(t, err)
		var out bytes.Buffer
		require.NoError(t, r.WriteSARIF(&out))
		assert.Contains(t, out.String(), `"executionSuccessful": true`)
		assert.Equal(t, ExitPass, r.ExitCode())
	})
}

// TestNamespaceFlagPlacesObjectsThatNameNone: --namespace puts objects without a namespace where kubectl
// apply -n would, and leaves cluster-scoped kinds alone.
func TestNamespaceFlagPlacesObjectsThatNameNone(t *testing.T) {
	files := map[string]string{"a.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n---\n" +
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\nrules: []\n"}
	r := checkDir(t, files, func(o *CheckOptions) { o.Namespace = "shop" })
	assert.Equal(t, []string{"Service/shop/web spec.type"}, findingsBy(r, "service-exposure"))
	assert.Equal(t, "ClusterRole/r", r.Controls[indexOf(r, "rbac-no-wildcards")].Evidence[0].Object)
	assert.Equal(t, []string{"Service/web spec.type"}, findingsBy(checkDir(t, files), "service-exposure"))
}

func indexOf(r *Report, id string) int {
	for i, c := range r.Controls {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// TestPodSecurityViolationsAreLocated: each violation is reported at the container or volume at fault, in
// whichever list it is, with the value to set.
func TestPodSecurityViolationsAreLocated(t *testing.T) {
	r := checkDir(t, map[string]string{"d.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: team\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n" +
		"      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n" +
		"      initContainers:\n      - name: init\n        image: busybox:1.36\n        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n" +
		"      containers:\n      - name: good\n        image: nginx:1.27\n        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n" +
		"      - name: bad\n        image: nginx:1.27\n        securityContext: {capabilities: {drop: [ALL], add: [SYS_ADMIN]}}\n" +
		"      volumes:\n      - name: cache\n        emptyDir: {}\n      - name: host\n        hostPath: {path: /var/run}\n"})
	var got []string
	for _, f := range r.FindingsOf("workload-pod-security") {
		got = append(got, f.Field+" | "+f.Remedy)
	}
	assert.Equal(t, []string{
		"spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation | set securityContext.allowPrivilegeEscalation: false",
		"spec.template.spec.containers[1].securityContext.capabilities | set securityContext.capabilities.drop: [ALL], and add at most NET_BIND_SERVICE",
		`spec.template.spec.volumes[1] | replace volume "host" with one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret`,
	}, got, "the init container, the good container and the emptyDir are not at fault")
}

// TestTextFitsItsWidth: every line of the text report fits TextWidth, long paths and words included.
func TestTextFitsItsWidth(t *testing.T) {
	long := filepath.Join(t.TempDir(), "a-very-long-folder-name-that-goes-on-and-on-and-on", "and-on-and-on-and-on-and-on-and-on-and-on-and-on")
	require.NoError(t, os.MkdirAll(long, 0o755))
	Write(t, long, "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a-pod-with-a-name-of-sixty-three-characters-which-is-the-longest\n  namespace: team\nspec:\n  containers:\n  - name: c\n    image: nginx\n")
	r, err := CheckManifests(DefaultControls(), "1.36.3", long)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, r.WriteText(&out, true))
	for _, line := range bytes.Split(out.Bytes(), []byte("\n")) {
		assert.LessOrEqual(t, len(line), TextWidth, "%s", line)
	}
	assert.Contains(t, out.String(), "result: FAIL (exit 1)")
}
