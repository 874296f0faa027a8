package program

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubeharden/kubeharden/components/baseline"
	"github.com/kubeharden/kubeharden/components/controlplanecomponent"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/stack"
)

// Run is the kubeharden stack program. Every input is read and checked before the first resource is
// registered, so a bad profile or stack setting creates nothing.
func Run(ctx *pulumi.Context) error {
	if err := checkStackConfigKeys(os.Getenv(pulumi.EnvConfig)); err != nil {
		return err
	}
	cfg := pulumiconfig.New(ctx, stack.ConfigNamespace)
	root, err := projectRoot(ctx)
	if err != nil {
		return err
	}

	src, err := stack.ProfileSources(cfg.Get(stack.ProfileKey), cfg.Get(stack.ProfileFileKey), root)
	if err != nil {
		return fmt.Errorf("stack config %w", err)
	}
	profile, err := config.Load(src)
	if err != nil {
		return err
	}

	// The control plane's secrets are read and checked here, before anything is registered. Get returns
	// a secret's plaintext to the program only; everything derived from it stays secret below.
	pkiJSON, keysJSON := cfg.Get(stack.PKIKey), cfg.Get(stack.EncryptionKeysKey)
	withControlPlane := pkiJSON != "" || keysJSON != ""
	if withControlPlane {
		if pkiJSON == "" || keysJSON == "" {
			return fmt.Errorf("stack config: %s:%s and %s:%s go together: set the missing one with `kubeharden pki init` or `kubeharden encryption-key init`",
				stack.ConfigNamespace, stack.PKIKey, stack.ConfigNamespace, stack.EncryptionKeysKey)
		}
		if _, err := controlplane.DecodeInputs(profile, pkiJSON, keysJSON); err != nil {
			return fmt.Errorf("stack config: %w", err)
		}
	}

	provider, target, err := newProvider(ctx, cfg, root)
	if err != nil {
		return err
	}
	b, err := baseline.NewBaseline(ctx, "kubeharden", &baseline.BaselineArgs{Profile: profile}, pulumi.Providers(provider))
	if err != nil {
		return err
	}
	if withControlPlane {
		cp, err := controlplanecomponent.NewControlPlane(ctx, "kubeharden", &controlplanecomponent.ControlPlaneArgs{
			Profile:        profile,
			PKI:            pulumi.ToSecret(pulumi.String(pkiJSON)).(pulumi.StringOutput),
			EncryptionKeys: pulumi.ToSecret(pulumi.String(keysJSON)).(pulumi.StringOutput),
		})
		if err != nil {
			return err
		}
		ctx.Export(stack.ControlPlaneFilesOutput, cp.Files)
		ctx.Export(stack.ControlPlaneSensitiveFilesOutput, cp.SensitiveFiles)
		ctx.Export("cloudInit", cp.CloudInit)
		ctx.Export("certificateExpiries", cp.CertificateExpiries)
		ctx.Export("apiServerFlags", cp.APIServerFlags)
	}
	ctx.Export(target.output, pulumi.String(target.value))
	ctx.Export("namespaces", b.Namespaces)
	ctx.Export("kubernetesVersion", pulumi.String(profile.KubernetesVersion))
	return nil
}

type providerTarget struct{ output, value string }

// newProvider builds the kubernetes provider the stack asks for: one that renders YAML into renderDir,
// or one that applies to the cluster of a kubeconfig. Exactly one of the two must be set.
func newProvider(ctx *pulumi.Context, cfg *pulumiconfig.Config, root string) (*kubernetes.Provider, providerTarget, error) {
	renderDir := firstSet(os.Getenv(stack.RenderDirEnv), cfg.Get(stack.RenderDirKey))
	kubeconfig := firstSet(os.Getenv(stack.KubeconfigEnv), cfg.Get(stack.KubeconfigKey))
	switch {
	case renderDir != "" && kubeconfig != "":
		return nil, providerTarget{}, fmt.Errorf("stack config: %s:%s and %s:%s: Forbidden: set one, to render YAML or to apply to a cluster, not both",
			stack.ConfigNamespace, stack.RenderDirKey, stack.ConfigNamespace, stack.KubeconfigKey)
	case kubeconfig != "":
		path := stack.UnderRoot(root, kubeconfig)
		content, err := os.ReadFile(path)
		if err != nil {
			return nil, providerTarget{}, fmt.Errorf("stack config %s:%s: reading %s: %w", stack.ConfigNamespace, stack.KubeconfigKey, path, err)
		}
		p, err := kubernetes.NewProvider(ctx, "kubeharden-cluster", &kubernetes.ProviderArgs{
			Kubeconfig: pulumi.ToSecret(pulumi.String(string(content))).(pulumi.StringOutput), // holds a client key
		})
		if err != nil {
			return nil, providerTarget{}, fmt.Errorf("creating the kubernetes provider: %w", err)
		}
		return p, providerTarget{"kubeconfig", path}, nil
	case renderDir != "":
		renderDir = stack.UnderRoot(root, renderDir)
		p, err := kubernetes.NewProvider(ctx, "kubeharden-render", &kubernetes.ProviderArgs{
			RenderYamlToDirectory: pulumi.String(renderDir),
		})
		if err != nil {
			return nil, providerTarget{}, fmt.Errorf("creating the kubernetes provider: %w", err)
		}
		return p, providerTarget{"renderDir", renderDir}, nil
	}
	return nil, providerTarget{}, fmt.Errorf("stack config %s:%s or %s:%s: Required value: the folder to render the hardened objects into, or the kubeconfig of the cluster to apply them to (or set %s or %s)",
		stack.ConfigNamespace, stack.RenderDirKey, stack.ConfigNamespace, stack.KubeconfigKey, stack.RenderDirEnv, stack.KubeconfigEnv)
}

func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// checkStackConfigKeys refuses a kubeharden:* stack setting that the program does not read, such as a
// misspelt kubeharden:profil, which would otherwise be ignored without a word. rawConfig is the JSON
// object the Pulumi engine hands the program in PULUMI_CONFIG.
func checkStackConfigKeys(rawConfig string) error {
	if rawConfig == "" {
		return nil
	}
	var all map[string]any
	if err := json.Unmarshal([]byte(rawConfig), &all); err != nil {
		return fmt.Errorf("reading the stack config: %w", err)
	}
	var errs field.ErrorList
	for _, k := range slices.Sorted(maps.Keys(all)) {
		name, ok := strings.CutPrefix(k, stack.ConfigNamespace+":")
		if !ok {
			continue
		}
		known := false
		for _, want := range stack.SettingKeys {
			known = known || name == want
		}
		if !known {
			errs = append(errs, field.NotSupported(field.NewPath(k), name, stack.SettingKeys))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("stack config: %w", config.ShortenErrors(errs).ToAggregate())
	}
	return nil
}

// projectRoot is the folder of Pulumi.yaml. The engine says so where it can; older language hosts do
// not, and then the program, which runs in its own folder under cmd/, looks upward for Pulumi.yaml.
func projectRoot(ctx *pulumi.Context) (string, error) {
	if r := ctx.RootDirectory(); r != "" {
		return r, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the project root: %w", err)
	}
	root, err := stack.ProjectRootFrom(dir)
	if err != nil {
		return "", fmt.Errorf("finding the project root: %w", err)
	}
	return root, nil
}
