package examples

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// The CI examples cannot run here (no GitHub or GitLab runner); what can be checked is that they parse
// and call the scripts `make ci-preview` and `make drift` run, with the policy pack the job builds.
func TestCIExamplesCallTheScriptsMakeRuns(t *testing.T) {
	type step struct {
		Uses string            `json:"uses"`
		Run  string            `json:"run"`
		With map[string]any    `json:"with"`
		Env  map[string]string `json:"env"`
	}
	var preview struct {
		On   map[string]any `json:"true"` // YAML 1.1, as sigs.k8s.io/yaml reads it, takes the key on for true
		Jobs map[string]struct {
			Steps []step `json:"steps"`
		} `json:"jobs"`
	}
	data, err := os.ReadFile(filepath.Join("ci", "github", "workflows", "kubeharden-preview.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &preview))
	assert.Contains(t, preview.On, "pull_request")
	var runs []string
	var action *step
	for _, s := range preview.Jobs["preview"].Steps {
		runs = append(runs, s.Run)
		if strings.HasPrefix(s.Uses, "pulumi/actions@") {
			action = &s
		}
	}
	require.NotNil(t, action, "a pulumi/actions step")
	assert.Equal(t, "preview", action.With["command"])
	assert.Equal(t, true, action.With["diff"])
	assert.Equal(t, true, action.With["comment-on-pr"])
	assert.Equal(t, "bin/kubeharden-policy", action.With["policyPacks"])
	all := strings.Join(runs, "\n")
	assert.Contains(t, all, "go build -o bin/kubeharden-policy ./cmd/kubeharden-policy", "the job builds the pack it names")
	assert.Contains(t, all, "bash scripts/ci-preview.sh")

	for file, script := range map[string]string{
		filepath.Join("ci", "github", "workflows", "kubeharden-drift.yml"): "scripts/drift.sh",
		filepath.Join("ci", "gitlab", ".gitlab-ci.yml"):                    "scripts/ci-preview.sh",
	} {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		var v map[string]any
		require.NoError(t, yaml.Unmarshal(data, &v), file)
		assert.Contains(t, string(data), "bash "+script, file)
		_, err = os.Stat(filepath.Join("..", script))
		assert.NoError(t, err, "%s calls %s", file, script)
	}
	gitlab, err := os.ReadFile(filepath.Join("ci", "gitlab", ".gitlab-ci.yml"))
	require.NoError(t, err)
	assert.Contains(t, string(gitlab), "bash scripts/drift.sh")
}
