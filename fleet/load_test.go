package fleet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const validFleet = `apiVersion: kubeharden.io/v1alpha1
kind: Fleet
profile:
  kubernetesVersion: "1.36.3"
  tenants:
    - name: team-a
clusters:
  - name: eu-1
    renderDir: build/eu-1
  - name: us-1
    stack: us-east-1
    kubeconfig: us.kubeconfig
    overrides:
      tenants:
        - name: team-b
      podSecurity:
        warn: restricted
`

func writeKubeconfig(t *testing.T, dir string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "us.kubeconfig"), []byte("apiVersion: v1\nkind: Config\n"), 0o600))
}

func TestParseResolvesEveryClustersProfileAndPaths(t *testing.T) {
	dir := t.TempDir()
	writeKubeconfig(t, dir)
	f, err := Parse([]byte(validFleet), dir)
	require.NoError(t, err)
	require.Len(t, f.Members, 2)

	eu, us := f.Members[0], f.Members[1]
	assert.Equal(t, "eu-1", eu.Stack, "the stack defaults to the cluster's name")
	assert.Equal(t, filepath.Join(dir, "build", "eu-1"), eu.RenderDir)
	assert.Empty(t, eu.Kubeconfig)
	require.Len(t, eu.Profile.Tenants, 1)
	assert.Equal(t, "team-a", eu.Profile.Tenants[0].Name)
	assert.Equal(t, "restricted", eu.Profile.PodSecurity.Enforce, "defaulted as the program defaults it")

	assert.Equal(t, "us-east-1", us.Stack)
	assert.Equal(t, filepath.Join(dir, "us.kubeconfig"), us.Kubeconfig)
	require.Len(t, us.Profile.Tenants, 1, "a list in the overrides replaces the shared one")
	assert.Equal(t, "team-b", us.Profile.Tenants[0].Name)
	assert.JSONEq(t, `{"kubernetesVersion":"1.36.3","tenants":[{"name":"team-b"}],"podSecurity":{"warn":"restricted"}}`, us.ProfileJSON,
		"the stack gets the merged profile as written, not the defaults")
}

func TestParseRefusesABadFleetWithTheFieldPath(t *testing.T) {
	for _, tc := range []struct {
		name, edit string
		want       []string
	}{
		{"unknown key", "    renderDir: build/eu-1\n=>    renderDir: build/eu-1\n    renderdir: x\n", []string{`clusters[0].renderdir: Unsupported value: "renderdir"`, "keys are case-sensitive: write renderDir"}},
		{"duplicate name", "  - name: us-1\n=>  - name: eu-1\n", []string{`clusters[1].name: Duplicate value: "eu-1"`}},
		{"duplicate stack", "    stack: us-east-1\n=>    stack: eu-1\n", []string{`clusters[1].stack: Duplicate value: "eu-1"`}},
		{"missing kubeconfig", "    kubeconfig: us.kubeconfig\n=>    kubeconfig: nowhere.kubeconfig\n", []string{"clusters[1].kubeconfig: Invalid value:", "nowhere.kubeconfig", "must be a readable kubeconfig file"}},
		{"neither target", "    renderDir: build/eu-1\n=>", []string{"clusters[0].kubeconfig: Required value"}},
		{"both targets", "    renderDir: build/eu-1\n=>    renderDir: build/eu-1\n    kubeconfig: us.kubeconfig\n", []string{"clusters[0]: Forbidden: set kubeconfig"}},
		{"bad name", "  - name: eu-1\n=>  - name: EU_1\n", []string{`clusters[0].name: Invalid value: "EU_1"`}},
		{"weakening without a reason", "        warn: restricted\n=>        enforce: privileged\n", []string{"clusters[1].profile.podSecurity.exemptionReason: Required value", "(cluster us-1: the shared profile with its overrides)"}},
		{"bad override value", "        warn: restricted\n=>        warn: strict\n", []string{`clusters[1].profile.podSecurity.warn: Unsupported value: "strict"`}},
		{"unknown override key", "        warn: restricted\n=>        warnn: restricted\n", []string{`clusters[1].profile.podSecurity.warnn: Unsupported value: "warnn"`}},
		{"wrong kind", "kind: Fleet\n=>kind: Profile\n", []string{`kind: Unsupported value: "Profile": supported values: "Fleet"`}},
		{"no apiVersion", "apiVersion: kubeharden.io/v1alpha1\n=>", []string{`apiVersion: Unsupported value: ""`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from, to, ok := strings.Cut(tc.edit, "=>")
			require.True(t, ok)
			require.Contains(t, validFleet, from)
			dir := t.TempDir()
			writeKubeconfig(t, dir)
			_, err := Parse([]byte(strings.Replace(validFleet, from, to, 1)), dir)
			require.ErrorIs(t, err, ErrInvalidFleet)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestParseRefusesAFleetWithoutClustersAndReportsEveryClusterAtOnce(t *testing.T) {
	_, err := Parse([]byte("apiVersion: kubeharden.io/v1alpha1\nkind: Fleet\n"), t.TempDir())
	require.ErrorIs(t, err, ErrInvalidFleet)
	assert.Contains(t, err.Error(), "clusters: Required value")

	bad := strings.Replace(strings.Replace(validFleet, "        warn: restricted\n", "        warn: strict\n", 1), "  - name: eu-1\n", "  - name: EU\n", 1)
	_, err = Parse([]byte(bad), t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "clusters[0].name")
	assert.Contains(t, err.Error(), "clusters[1].profile.podSecurity.warn")
	assert.Contains(t, err.Error(), "clusters[1].kubeconfig", "and the missing kubeconfig too")
}

func TestSelectTakesOnlyAndExcludeAndRefusesAnUnknownName(t *testing.T) {
	f := &Fleet{Members: []Member{{Cluster: Cluster{Name: "a"}}, {Cluster: Cluster{Name: "b"}}, {Cluster: Cluster{Name: "c"}}}}
	names := func(ms []Member) (out []string) {
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	all, err := Select(f, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, names(all))
	some, err := Select(f, []string{"c", "a"}, []string{"a"})
	require.NoError(t, err)
	assert.Equal(t, []string{"c"}, names(some))
	_, err = Select(f, []string{"d"}, nil)
	assert.ErrorContains(t, err, `no cluster "d" in the fleet (clusters: a, b, c)`)
}

func TestTheExampleFleetLoads(t *testing.T) {
	f, err := Load(filepath.Join("..", "examples", "fleet", "fleet.yaml"))
	require.NoError(t, err)
	require.Len(t, f.Members, 2)
	assert.Len(t, f.Members[1].Profile.Tenants, 3)
}
