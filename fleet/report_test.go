package fleet

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDriftedNamesTheObjectAndSkipsWhatUndoesNothing(t *testing.T) {
	policy := map[string]any{"kind": "NetworkPolicy", "metadata": map[string]any{"name": "default-deny-all", "namespace": "team-a"}}
	d, ok := drifted(apitype.StepEventMetadata{Op: apitype.OpUpdate, URN: "urn:x", Type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
		Diffs: []string{"spec"}, Old: &apitype.StepEventStateMetadata{Outputs: policy}})
	require.True(t, ok)
	assert.Equal(t, DriftedResource{Op: "update", URN: "urn:x", Object: "NetworkPolicy team-a/default-deny-all", Fields: []string{"spec"}}, d)

	d, ok = drifted(apitype.StepEventMetadata{Op: apitype.OpCreate, Type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
		New: &apitype.StepEventStateMetadata{Inputs: map[string]any{"kind": "ClusterRole", "metadata": map[string]any{"name": "kubeharden:auditor"}}}})
	require.True(t, ok, "an object deleted behind kubeharden's back is created again")
	assert.Equal(t, "ClusterRole kubeharden:auditor", d.Object)

	for _, op := range []apitype.OpType{apitype.OpSame, apitype.OpRefresh, apitype.OpRead} {
		_, ok := drifted(apitype.StepEventMetadata{Op: op, Type: "kubernetes:core/v1:Namespace"})
		assert.False(t, ok, op)
	}
	_, ok = drifted(apitype.StepEventMetadata{Op: apitype.OpUpdate, Type: "pulumi:pulumi:Stack"})
	assert.False(t, ok, "the stack's outputs are not drift")
}

func TestAClusterNotJudgedIsNotReportedAsPassing(t *testing.T) {
	results := []Result{
		{Cluster: "eu-1", Stack: "eu-1", Drifted: []DriftedResource{{Op: "update", Object: "NetworkPolicy team-a/default-deny-all", Fields: []string{"spec"}}}},
		{Cluster: "us-1", Stack: "us-1", FailingControls: []string{"network-default-deny"}},
		{Cluster: "lab", Stack: "lab", NotJudged: "it renders YAML only"},
		{Cluster: "ok-1", Stack: "ok-1"},
		{Cluster: "down", Stack: "down", Err: errors.New("unreachable")},
	}
	assert.Equal(t, []string{"FAILED", "FAILED", "NOT JUDGED", "ok", "FAILED"}, []string{results[0].status(), results[1].status(), results[2].status(), results[3].status(), results[4].status()})

	var table bytes.Buffer
	require.NoError(t, WriteTable(&table, Drift, results))
	assert.Contains(t, table.String(), "drifted: NetworkPolicy team-a/default-deny-all")
	assert.Contains(t, table.String(), "failing live: network-default-deny")
	assert.Contains(t, table.String(), "not judged: it renders YAML only")
	assert.Contains(t, table.String(), "error: unreachable")

	var js bytes.Buffer
	require.NoError(t, WriteJSON(&js, results))
	assert.Equal(t, 1, strings.Count(js.String(), `"passed": true`), "only ok-1 passed: %s", js.String())

	var page bytes.Buffer
	require.NoError(t, WriteHTML(&page, results, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)))
	html := page.String()
	assert.Contains(t, html, "NetworkPolicy team-a/default-deny-all")
	assert.Contains(t, html, "<b>Not judged:</b> it renders YAML only")
	assert.Contains(t, html, `<div class="card fail"><b>3</b>`)
	assert.Contains(t, html, "border-collapse", "the report's style sheet")
	assert.NotContains(t, html, "<script")
}
