package controls

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

// UpdateGoldenEnv regenerates the golden findings of the failing fixtures.
const UpdateGoldenEnv = "KUBEHARDEN_UPDATE_GOLDEN"

func TestCatalogIsValid(t *testing.T) {
	require.NoError(t, Validate(DefaultControls()))
	// The catalog refuses to be built broken: a control registered with no level panics the first
	// DefaultControls.
	saved := defaultControls
	t.Cleanup(func() { defaultControls, catalogError = saved, sync.OnceValue(validateCatalog) })
	defaultControls = append(slices.Clone(saved), func() Control { c := saved[0](); c.ID, c.Level = "unlevelled", ""; return c })
	catalogError = sync.OnceValue(validateCatalog)
	assert.PanicsWithError(t, `the control catalog: control unlevelled: level "": must be mandatory or advisory`, func() { DefaultControls() })
	defaultControls, catalogError = saved, sync.OnceValue(validateCatalog)
	a, b := DefaultControls(), DefaultControls()
	a[0].Title = "changed"
	assert.NotEqual(t, a[0].Title, b[0].Title, "the catalog hands out fresh copies")
}

func TestValidateRefusesABrokenCatalog(t *testing.T) {
	check := func(*Inventory) Result { return Result{} }
	good := Control{ID: "x", Title: "t", Guide: "g", Level: LevelAdvisory, Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: check}}}
	cases := []struct {
		name   string
		change func(c []Control) []Control
		want   string
	}{
		{"duplicate ID", func(c []Control) []Control { return append(c, c[0]) }, "control x: duplicate ID"},
		{"versions out of order", func(c []Control) []Control {
			c[0].Versions = append(c[0].Versions, VersionedCheck{MinimumVersion: "1.30", Check: check})
			return c
		}, "control x: version 1.30 does not come after 1.31"},
		{"no guide section", func(c []Control) []Control { c[0].Guide = ""; return c }, "control x: needs a title and the guide section it implements"},
		{"no check", func(c []Control) []Control { c[0].Versions = nil; return c }, "control x: has no check"},
		{"no level", func(c []Control) []Control { c[0].Level = ""; return c }, `control x: level "": must be mandatory or advisory`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.EqualError(t, Validate(tc.change([]Control{good})), tc.want)
		})
	}
}

// loadFixture reads a fixture as `kubeharden check` reads files; the fixtures of a control that needs a
// whole cluster stand for one.
func loadFixture(t *testing.T, path string, c Control) *Inventory {
	t.Helper()
	tree := manifests.ReadTree(path)
	require.Empty(t, tree.Errors, path)
	cp, err := NewControlPlane(tree.Configs, tree.Objects)
	require.NoError(t, err, path)
	return &Inventory{Objects: tree.Objects, ControlPlane: cp, WholeCluster: c.Inspects == ScopeCluster, OtherKinds: tree.SkippedKinds}
}

// TestFixtures runs the whole catalog on every fixture: a passing one has no finding at all, a failing
// one is reported by exactly the control it targets, with the findings of its golden file. A control
// without both kinds of fixture, a fixture folder without a control and a golden file without a
// fixture all fail the test.
func TestFixtures(t *testing.T) {
	catalog := DefaultControls()
	ids := map[string]bool{}
	for _, c := range catalog {
		ids[c.ID] = true
		for _, kind := range []string{"pass", "fail"} {
			files, _ := filepath.Glob(filepath.Join("testdata", c.ID, kind, "*.yaml"))
			assert.NotEmpty(t, files, "control %s has no %s fixture", c.ID, kind)
		}
	}
	dirs, err := os.ReadDir("testdata")
	require.NoError(t, err)
	for _, d := range dirs {
		if d.Name() == "upstream" { // other projects' manifests (TestUpstreamBundle), not a control's fixtures
			continue
		}
		assert.True(t, ids[d.Name()], "testdata/%s: no control has that ID", d.Name())
	}
	goldens, _ := filepath.Glob("testdata/*/*/*.golden.json")
	for _, g := range goldens {
		_, err := os.Stat(strings.TrimSuffix(g, ".golden.json") + ".yaml")
		assert.NoError(t, err, "%s has no fixture", g)
	}

	for _, c := range catalog {
		for _, kind := range []string{"pass", "fail"} {
			files, _ := filepath.Glob(filepath.Join("testdata", c.ID, kind, "*.yaml"))
			sort.Strings(files)
			for _, f := range files {
				t.Run(c.ID+"/"+kind+"/"+filepath.Base(f), func(t *testing.T) {
					inv := loadFixture(t, f, c)
					outcomes, err := Evaluate(catalog, inv, "1.36.3")
					require.NoError(t, err)
					// Judged as check judges: the bootstrap rules exempt the cluster's own objects.
					bootstrap := bootstrapObjects(inv.Objects)
					findings := []Finding{}
					for _, o := range outcomes {
						for _, fd := range o.Findings {
							if _, exempt := BootstrapExemption(o.Control, fd, bootstrap); !exempt {
								findings = append(findings, fd)
							}
						}
					}
					for _, o := range outcomes {
						if o.Control.ID == c.ID {
							require.Empty(t, o.NotEvaluated, "the fixture must let its control be evaluated")
							if kind == "pass" {
								assert.NotEmpty(t, o.Evidence, "a passing control names its evidence")
							}
						}
					}
					if kind == "pass" {
						assert.Empty(t, findings)
						return
					}
					require.NotEmpty(t, findings, "the failing fixture must fail")
					for _, fd := range findings {
						assert.Equal(t, c.ID, fd.Control, "reported by exactly the control it targets: %+v", fd)
						assert.NotEmpty(t, fd.Remedy)
					}
					got, err := json.MarshalIndent(findings, "", "  ")
					require.NoError(t, err)
					golden := strings.TrimSuffix(f, ".yaml") + ".golden.json"
					if os.Getenv(UpdateGoldenEnv) != "" {
						require.NoError(t, os.WriteFile(golden, append(got, '\n'), 0o644))
					}
					want, err := os.ReadFile(golden)
					require.NoError(t, err, "missing golden file; regenerate with %s=1", UpdateGoldenEnv)
					assert.JSONEq(t, string(want), string(got))
				})
			}
		}
	}
}
