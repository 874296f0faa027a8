package controls

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	goversion "github.com/hashicorp/go-version"

	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/controls/internal/parallel"
)

var defaultControls []func() Control

// addControl registers a control constructor; each control file calls it from init().
func addControl(f func() Control) { defaultControls = append(defaultControls, f) }

// DefaultControls returns fresh copies of every registered control, sorted by ID. The catalog is
// validated as it is first built: a control that breaks the catalog's rules (Validate), or a set of IDs
// that is not contract.ControlIDs (which the profile's exemptions are checked against), is a programming
// error, and panics in the first test that builds the catalog.
func DefaultControls() []Control {
	out := buildControls()
	if err := catalogError(); err != nil {
		panic(err)
	}
	return out
}

func buildControls() []Control {
	out := make([]Control, len(defaultControls))
	for i, f := range defaultControls {
		out[i] = f()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// catalogError is what is wrong with the registered catalog (validateCatalog), found once.
var catalogError = sync.OnceValue(validateCatalog)

func validateCatalog() error {
	out := buildControls()
	if err := Validate(out); err != nil {
		return fmt.Errorf("the control catalog: %w", err)
	}
	var ids []string
	for _, c := range out {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, slices.Sorted(slices.Values(contract.ControlIDs))) {
		return fmt.Errorf("the control catalog: its IDs %v are not contract.ControlIDs %v", ids, contract.ControlIDs)
	}
	return nil
}

// Mandatory are the IDs of the catalog's mandatory controls, in its order.
func Mandatory(catalog []Control) []string {
	var out []string
	for _, c := range catalog {
		if c.Level == LevelMandatory {
			out = append(out, c.ID)
		}
	}
	return out
}

// Validate checks a catalog: unique IDs, a title, a guide section and a level each, at least one check,
// and strictly increasing versions.
func Validate(catalog []Control) error {
	seen := map[string]bool{}
	for _, c := range catalog {
		switch {
		case c.ID == "":
			return fmt.Errorf("a control has no ID (title %q)", c.Title)
		case seen[c.ID]:
			return fmt.Errorf("control %s: duplicate ID", c.ID)
		case c.Title == "" || c.Guide == "":
			return fmt.Errorf("control %s: needs a title and the guide section it implements", c.ID)
		case len(c.Versions) == 0:
			return fmt.Errorf("control %s: has no check", c.ID)
		case c.Level != LevelMandatory && c.Level != LevelAdvisory:
			return fmt.Errorf("control %s: level %q: must be %s or %s", c.ID, c.Level, LevelMandatory, LevelAdvisory)
		}
		seen[c.ID] = true
		var prev *goversion.Version
		for i, v := range c.Versions {
			ver, err := goversion.NewVersion(v.MinimumVersion)
			if err != nil {
				return fmt.Errorf("control %s: version %d: %q: %w", c.ID, i, v.MinimumVersion, err)
			}
			if prev != nil && !ver.GreaterThan(prev) {
				return fmt.Errorf("control %s: version %s does not come after %s", c.ID, v.MinimumVersion, prev.Original())
			}
			if (v.Check == nil) == (v.CheckWorkload == nil) {
				return fmt.Errorf("control %s: version %s needs exactly one of Check and CheckWorkload", c.ID, v.MinimumVersion)
			}
			prev = ver
		}
	}
	return nil
}

// CheckFor returns the control's check for a Kubernetes version: the newest whose minimum it meets.
func (c Control) CheckFor(kubernetesVersion string) (VersionedCheck, error) {
	v, err := goversion.NewVersion(kubernetesVersion)
	if err != nil {
		return VersionedCheck{}, fmt.Errorf("kubernetes version %q: %w", kubernetesVersion, err)
	}
	var check *VersionedCheck
	for i, vc := range c.Versions {
		if v.Core().GreaterThanOrEqual(goversion.Must(goversion.NewVersion(vc.MinimumVersion))) {
			check = &c.Versions[i]
		}
	}
	if check == nil {
		return VersionedCheck{}, fmt.Errorf("control %s: no check for Kubernetes %s", c.ID, kubernetesVersion)
	}
	return *check, nil
}

// Outcome is one control's result on an inventory.
type Outcome struct {
	Control Control
	Result
}

// Evaluate runs every control of the catalog for a Kubernetes version, in catalog order. A control whose
// scope the inventory cannot answer is not run: its outcome says why. The workload checks run together:
// each workload is decoded once, judged by every one of them, and let go.
func Evaluate(catalog []Control, inv *Inventory, kubernetesVersion string) ([]Outcome, error) {
	checks := make([]VersionedCheck, len(catalog))
	for i, c := range catalog {
		check, err := c.CheckFor(kubernetesVersion)
		if err != nil {
			return nil, err
		}
		checks[i] = check
	}
	results := make([]Result, len(catalog))
	var wg sync.WaitGroup
	var perWorkload []int // the catalog indexes of the workload checks
	for i, c := range catalog {
		switch {
		case c.Inspects == ScopeControlPlane && inv.ControlPlane == nil:
			results[i].NotEvaluated = "no control-plane settings among the inputs: add the control-plane file set (kubeharden files write) or check a cluster whose control plane runs as static pods"
		case c.Inspects == ScopeControlPlane && inv.ControlPlane.Conflict != "":
			results[i].NotEvaluated = inv.ControlPlane.Conflict
		case c.Inspects == ScopeCluster && !inv.WholeCluster:
			results[i].NotEvaluated = "needs a whole cluster: check a live cluster (--kubeconfig), or the manifests together with the control-plane file set"
		case checks[i].CheckWorkload != nil:
			perWorkload = append(perWorkload, i)
		default:
			// The checks only read the inventory, so they run side by side.
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = checks[i].Check(inv)
			}()
		}
	}
	if len(perWorkload) > 0 {
		workloads := inv.judgedWorkloads()
		verdicts := make([][]Result, len(workloads)) // by workload, then by check
		parallel.For(len(workloads), func(k int) {
			w, ok := inv.workload(workloads[k])
			if !ok {
				return // it does not decode: reported as an error of its file
			}
			verdicts[k] = make([]Result, len(perWorkload))
			for j, i := range perWorkload {
				verdicts[k][j] = checks[i].CheckWorkload(inv, w)
			}
		})
		for _, v := range verdicts {
			for j, i := range perWorkload {
				if v != nil {
					results[i].Findings = append(results[i].Findings, v[j].Findings...)
					results[i].Evidence = append(results[i].Evidence, v[j].Evidence...)
				}
			}
		}
	}
	wg.Wait()
	out := make([]Outcome, len(catalog))
	for i, c := range catalog {
		r := results[i]
		if r.NotEvaluated == "" && len(r.Findings) == 0 && len(r.Evidence) == 0 {
			r.NotEvaluated = "nothing among the inputs for it to inspect"
		}
		// The runner, not the check, names the control a finding belongs to: one place, one way.
		for j := range r.Findings {
			r.Findings[j].Control = c.ID
		}
		out[i] = Outcome{Control: c, Result: r}
	}
	return out, nil
}

// Findings are every outcome's findings, in order.
func Findings(outcomes []Outcome) []Finding {
	var out []Finding
	for _, o := range outcomes {
		out = append(out, o.Findings...)
	}
	return out
}
