package check

import (
	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/controls/manifests"
	"github.com/kubeharden/kubeharden/report"
)

// judgement is what judge reads and how it judges: the inputs gathered by Run.
type judgement struct {
	catalog           []controls.Control
	kubernetesVersion string
	// paths are files and folders of manifests and control-plane files, read by manifests.ReadTree.
	paths []string
	// namespace, when set, is the namespace of the objects read from paths that name none, as
	// `kubectl apply -n` sets it; otherwise they are in default.
	namespace string
	// sources are inputs that are not files (a preview's resources), read by manifests.ReadSources.
	sources []manifests.Source
	// live are a live cluster's objects (see controls/live), and liveSource names the cluster.
	live       []manifests.Object
	liveSource string
	exemptions []report.Exemption
}

// judge reads the inputs, evaluates the catalog and applies the exemptions, which come from a resolved
// profile (config.Load checked them, once) or from what the profile implies (Exemptions).
func judge(j judgement) (*report.Report, error) {
	var tree manifests.Tree
	if len(j.paths) > 0 {
		tree = manifests.ReadTree(j.paths...)
	}
	if len(j.sources) > 0 {
		tree.Append(manifests.ReadSources(j.sources))
	}
	if j.namespace != "" {
		for i, o := range tree.Objects {
			if o.Namespace == "" && manifests.Namespaced(o.GVK) {
				tree.Objects[i].Namespace = j.namespace
			}
		}
	}
	objects := append(tree.Objects, j.live...)
	inv, err := controls.NewInventory(objects, tree.Configs, j.liveSource != "", tree.SkippedKinds)
	if err != nil {
		return nil, err
	}
	outcomes, err := controls.Evaluate(j.catalog, inv, j.kubernetesVersion)
	if err != nil {
		return nil, err
	}
	r := report.New(outcomes, j.exemptions, inv.Bootstrap)
	r.KubernetesVersion = j.kubernetesVersion
	r.Sources = append(r.Sources, j.paths...)
	if j.liveSource != "" {
		r.Sources = append(r.Sources, j.liveSource)
	}
	// Workloads the reader deferred and that do not decode are errors of their files, not objects checked.
	deferredErrors := manifests.DeferredErrors(tree.Objects)
	r.Objects, r.Configs, r.Skipped = len(objects)-len(deferredErrors), len(tree.Configs), tree.Skipped
	r.SkippedKinds = tree.SkippedKinds
	r.ObjectKinds = map[string]int{}
	for _, o := range objects {
		if !o.Undecodable() {
			r.ObjectKinds[o.GVK.Kind]++
		}
	}
	r.Errors = append(tree.Errors, deferredErrors...)
	locate(r, objects, tree.Configs)
	return r, nil
}

// locate gives every finding the line and column of its object in its file: the object's own, or, for a
// control-plane finding, that of the configuration document or static pod its settings came from.
func locate(r *report.Report, objects, configs []manifests.Object) {
	lines := map[[2]string]int{}
	firstLine := map[string]int{}
	for _, list := range [][]manifests.Object{objects, configs} {
		for _, o := range list {
			if o.Path == "" {
				continue
			}
			lines[[2]string{o.Path, o.Key()}] = o.Line
			if l, seen := firstLine[o.Path]; !seen || o.Line < l {
				firstLine[o.Path] = o.Line
			}
		}
	}
	set := func(f *controls.Finding) {
		if f.Path == "" {
			return
		}
		line, ok := lines[[2]string{f.Path, f.Object}]
		if !ok {
			line = firstLine[f.Path]
		}
		f.Line, f.Column = max(line, 1), 1
	}
	for i := range r.Findings {
		set(&r.Findings[i])
	}
	for i := range r.Exempted {
		set(&r.Exempted[i].Finding)
	}
}
