package preview

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTheSentinelIsTheEngines: the unknown sentinel this package reads is the Pulumi SDK's own.
func TestTheSentinelIsTheEngines(t *testing.T) {
	assert.Equal(t, plugin.UnknownStringValue, UnknownSentinel)
}

func TestReadPreviewKeepsWhatTheStackWouldHold(t *testing.T) {
	preview := `{"steps": [
 {"op": "create", "newState": {"urn": "urn:a", "type": "kubernetes:core/v1:Namespace",
   "inputs": {"metadata": {"name": "a"}}}},
 {"op": "same", "newState": {"urn": "urn:b", "type": "kubernetes:apps/v1:Deployment",
   "inputs": {"metadata": {"name": "old"}},
   "outputs": {"metadata": {"name": "b", "uid": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}}}},
 {"op": "same", "oldState": {"urn": "urn:e", "type": "kubernetes:core/v1:Namespace", "outputs": {"metadata": {"name": "e"}}}},
 {"op": "delete", "oldState": {"urn": "urn:c"}},
 {"op": "delete-replaced", "newState": {"urn": "urn:d", "type": "kubernetes:core/v1:Namespace", "inputs": {}}}
]}`
	resources, err := ReadPreview([]byte(preview))
	require.NoError(t, err)
	require.Len(t, resources, 3, "deleted resources are not judged")
	assert.Equal(t, "urn:e", resources[2].URN, "an unchanged resource as the state has it")
	assert.Equal(t, "a", resources[0].Properties["metadata"].(map[string]any)["name"])
	meta := resources[1].Properties["metadata"].(map[string]any)
	assert.Equal(t, "b", meta["name"], "the outputs, where the preview gives them")
	assert.Equal(t, Unknown{}, meta["uid"], "the engine's unknown sentinel is a value not known")

	in := NewInputs(resources)
	assert.Contains(t, in.Unreadable, "urn:b")
	assert.Contains(t, in.URNs, "urn:a")

	_, err = ReadPreview([]byte("Previewing update (dev):"))
	assert.ErrorContains(t, err, "pulumi preview --json")
}
