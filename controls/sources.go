package controls

import (
	"sort"

	goversion "github.com/hashicorp/go-version"
)

// The editions of the sources the catalog cites: each control's Guide is a section of GuideEdition, its
// CIS an id of CISEdition.
const (
	GuideEdition = "NSA/CISA Kubernetes Hardening Guide v1.2"
	CISEdition   = "CIS Kubernetes Benchmark v1.12"
)

// KubernetesVersions are the Kubernetes minor versions at which the catalog's checks change (each
// control's MinimumVersions), oldest first, without repeats.
func KubernetesVersions(catalog []Control) []string {
	seen := map[string]*goversion.Version{}
	for _, c := range catalog {
		for _, v := range c.Versions {
			if _, ok := seen[v.MinimumVersion]; !ok {
				seen[v.MinimumVersion] = goversion.Must(goversion.NewVersion(v.MinimumVersion))
			}
		}
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return seen[out[i]].LessThan(seen[out[j]]) })
	return out
}
