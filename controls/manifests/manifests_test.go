package manifests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKeyNamesAnObjectByItsGenerateName(t *testing.T) {
	tree := ReadSources([]Source{{Name: "objs.yaml", Data: []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: job-\n  namespace: team\nspec:\n  containers: []\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n")}})
	require.Empty(t, tree.Errors)
	objs := tree.Objects
	require.Len(t, objs, 2)
	assert.Equal(t, "Pod/team/job-*", objs[0].Key())
	assert.Equal(t, "Namespace/team", objs[1].Key())
}
