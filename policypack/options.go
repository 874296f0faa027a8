package policypack

import (
	"fmt"

	"github.com/kubeharden/kubeharden/check"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/stack"
)

// StackOptions are the policy pack's options for a stack: the exemptions and Kubernetes version of the
// profile its settings give (kubeharden:profile, kubeharden:profileFile under root), read and validated as
// the stack program reads them; a stack without a profile (a user's own) is judged by the default
// profile, with no exemptions but those it implies. The Pod Security level the profile says each of its
// namespaces enforces comes along (Options.PodSecurityLevels). get returns a stack config
// value by its key.
func StackOptions(get func(key string) string, root string) (Options, error) {
	src, err := stack.ProfileSources(get(stack.ConfigNamespace+":"+stack.ProfileKey), get(stack.ConfigNamespace+":"+stack.ProfileFileKey), root)
	if err != nil {
		return Options{}, fmt.Errorf("stack config %w", err)
	}
	profile, err := config.Load(src)
	if err != nil {
		return Options{}, err
	}
	levels := map[string]string{}
	for i := range profile.Tenants {
		levels[profile.Tenants[i].Name] = profile.EffectivePodSecurity(&profile.Tenants[i]).Enforce
	}
	if profile.Logging.Enabled {
		levels[profile.Logging.Namespace] = profile.Logging.PodSecurity.Enforce
	}
	return Options{Catalog: controls.DefaultControls(), KubernetesVersion: profile.KubernetesVersion,
		Exemptions: check.Exemptions(profile), PodSecurityLevels: levels}, nil
}
