package controls

import (
	"fmt"
	"sort"
	"sync"

	goversion "github.com/hashicorp/go-version"
)

var defaultControls []func() Control

// addControl registers a control constructor; each control file calls it from init().
func addControl(f func() Control) { defaultControls = append(defaultControls, f) }

// DefaultControls returns fresh copies of every registered control, sorted by ID.
func DefaultControls() []Control {
	out := make([]Control, len(defaultControls))
	for i, f := range defaultControls {
		out[i] = f()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Validate checks a catalog: unique IDs, a title and a guide section each, at least one check, and
// strictly increasing versions.
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
			if v.Check == nil {
				return fmt.Errorf("control %s: version %s has no check", c.ID, v.MinimumVersion)
			}
			prev = ver
		}
	}
	return nil
}

// CheckFor returns the control's check for a Kubernetes version: the newest whose minimum it meets.
func (c Control) CheckFor(kubernetesVersion string) (func(*Inventory) Result, error) {
	v, err := goversion.NewVersion(kubernetesVersion)
	if err != nil {
		return nil, fmt.Errorf("kubernetes version %q: %w", kubernetesVersion, err)
	}
	var check func(*Inventory) Result
	for _, vc := range c.Versions {
		if v.Core().GreaterThanOrEqual(goversion.Must(goversion.NewVersion(vc.MinimumVersion))) {
			check = vc.Check
		}
	}
	if check == nil {
		return nil, fmt.Errorf("control %s: no check for Kubernetes %s", c.ID, kubernetesVersion)
	}
	return check, nil
}

// Outcome is one control's result on an inventory.
type Outcome struct {
	Control Control
	Result
}

// Evaluate runs every control of the catalog for a Kubernetes version, in catalog order. A control whose
// scope the inventory cannot answer is not run: its outcome says why.
func Evaluate(catalog []Control, inv *Inventory, kubernetesVersion string) ([]Outcome, error) {
	checks := make([]func(*Inventory) Result, len(catalog))
	for i, c := range catalog {
		check, err := c.CheckFor(kubernetesVersion)
		if err != nil {
			return nil, err
		}
		checks[i] = check
	}
	// The checks only read the inventory, so they run side by side.
	out := make([]Outcome, len(catalog))
	var wg sync.WaitGroup
	for i, c := range catalog {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r Result
			switch {
			case c.Inspects == ScopeControlPlane && inv.ControlPlane == nil:
				r.NotEvaluated = "no control-plane settings among the inputs: add the control-plane file set (kubeharden files write) or check a cluster whose control plane runs as static pods"
			case c.Inspects == ScopeControlPlane && inv.ControlPlane.Conflict != "":
				r.NotEvaluated = inv.ControlPlane.Conflict
			case c.Inspects == ScopeCluster && !inv.WholeCluster:
				r.NotEvaluated = "needs a whole cluster: check a live cluster (--kubeconfig), or the manifests together with the control-plane file set"
			default:
				r = checks[i](inv)
				if r.NotEvaluated == "" && len(r.Findings) == 0 && len(r.Evidence) == 0 {
					r.NotEvaluated = "nothing among the inputs for it to inspect"
				}
			}
			out[i] = Outcome{Control: c, Result: r}
		}()
	}
	wg.Wait()
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
