package policypack

import (
	"fmt"

	"github.com/kubeharden/kubeharden/components/stack"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controls"
)

// OptionsFromStack are the pack's options for a stack: the exemptions and Kubernetes version of the
// profile its settings give (kubeharden:profile, kubeharden:profileFile under root), read and validated as
// the stack program reads them; a stack without a profile (a user's own) is judged by the default
// profile, with no exemptions but those it implies. get returns a stack config value by its key.
func OptionsFromStack(get func(key string) string, root string) (Options, error) {
	src, err := stack.ProfileSources(get(stack.ConfigNamespace+":"+stack.ProfileKey), get(stack.ConfigNamespace+":"+stack.ProfileFileKey), root)
	if err != nil {
		return Options{}, fmt.Errorf("stack config %w", err)
	}
	profile, err := config.Load(src)
	if err != nil {
		return Options{}, err
	}
	return Options{Catalog: controls.DefaultControls(), KubernetesVersion: profile.KubernetesVersion, Exemptions: stack.Exemptions(profile)}, nil
}
