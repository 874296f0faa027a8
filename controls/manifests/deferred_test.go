package manifests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"
)

const goodDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: good
  namespace: team
  labels: {app: good}
spec:
  selector:
    matchLabels: {app: good}
  template:
    metadata:
      labels: {app: good}
    spec:
      containers:
      - name: app
        image: registry.k8s.io/pause:3.10
        resources:
          limits: {cpu: 200m, memory: 128Mi}
`

// TestDeferredWorkloadsDecodeWhenAsked: a workload the fast reader defers is decoded anew on each ask,
// into what reading it whole gives; one that does not decode is nil to the controls and an error of its
// file, naming the document and the field, whether or not a control asked for it; the file's other
// documents are still read, and a document of another kind that does not decode is an error at once.
func TestDeferredWorkloadsDecodeWhenAsked(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "team.yaml")
	require.NoError(t, os.WriteFile(path, []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n---\n"+goodDeployment+
		"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\n  namespace: team\nspec:\n  replicas: two\n"+
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\n  namespace: team\nspec:\n  podSelector: 5\n"), 0o644))

	for _, ask := range []bool{true, false} {
		tree := ReadTree(dir)
		require.Len(t, tree.Errors, 1)
		assert.Equal(t, path, tree.Errors[0].Path)
		assert.Contains(t, tree.Errors[0].Err, `document 4: NetworkPolicy np: `)
		assert.Contains(t, tree.Errors[0].Err, `"/spec/podSelector"`)
		var keys []string
		for _, o := range tree.Objects {
			keys = append(keys, o.Key())
		}
		require.Equal(t, []string{"Namespace/team", "Deployment/team/good", "Deployment/team/broken"}, keys)

		good, broken := tree.Objects[1], tree.Objects[2]
		assert.True(t, good.RunsPods())
		assert.Equal(t, map[string]string{"app": "good"}, good.Meta().GetLabels())
		if ask {
			first, second := good.Typed(), good.Typed()
			assert.NotSame(t, first, second, "decoded anew on each ask, held by no one")
			var whole appsv1.Deployment
			require.NoError(t, yaml.UnmarshalStrict([]byte(goodDeployment), &whole))
			assert.Equal(t, &whole, first)
			assert.Equal(t, "128Mi", first.(*appsv1.Deployment).Spec.Template.Spec.Containers[0].Resources.Limits.Memory().String())
			assert.Nil(t, broken.Typed())
		}
		errs := DeferredErrors(tree.Objects)
		require.Len(t, errs, 1, "asked first: %v", ask)
		assert.Equal(t, path, errs[0].Path)
		assert.Contains(t, errs[0].Err, `document 3: Deployment broken: `)
		assert.Contains(t, errs[0].Err, `"/spec/replicas"`)
	}
}
