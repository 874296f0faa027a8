package controlplane

import (
	goversion "github.com/hashicorp/go-version"

	"github.com/kubeharden/kubeharden/config"
)

// Feature is a setting that only some Kubernetes versions know.
type Feature struct {
	// Name says what it is.
	Name string
	// Since is the first minor version that has it, such as "1.34".
	Since string
}

// Version-gated settings. A setting a version does not know is not rendered for it; where a newer form
// replaces an older one, the version decides which is rendered.
var (
	// AuthenticationConfigV1 is apiserver.config.k8s.io/v1 AuthenticationConfiguration (structured
	// authentication GA); before it, v1beta1 (from 1.30).
	AuthenticationConfigV1 = Feature{"AuthenticationConfiguration apiserver.config.k8s.io/v1", "1.34"}
	// AnonymousInAuthenticationConfig is the anonymous section of AuthenticationConfiguration; the API
	// server refuses --anonymous-auth beside it, so from this version the file carries it.
	AnonymousInAuthenticationConfig = Feature{"anonymous section of AuthenticationConfiguration", "1.32"}
	// KubeadmV1Beta4 is kubeadm's v1beta4 configuration API (extraArgs as a list); before it, v1beta3.
	KubeadmV1Beta4 = Feature{"kubeadm.k8s.io/v1beta4", "1.31"}
)

// Supports reports whether the profile's Kubernetes version has f. The version was validated already.
func Supports(p config.Resolved, f Feature) bool {
	v, err := goversion.NewVersion(p.KubernetesVersion)
	if err != nil {
		return false
	}
	since := goversion.Must(goversion.NewVersion(f.Since))
	return v.Core().GreaterThanOrEqual(since)
}
