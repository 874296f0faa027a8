package stack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubeharden/kubeharden/components/baseline"
	"github.com/kubeharden/kubeharden/components/controlplane"
	"github.com/kubeharden/kubeharden/config"
)

// ConfigNamespace is the Pulumi config namespace of kubeharden's stack settings.
const ConfigNamespace = "kubeharden"

// Stack config keys (without the "kubeharden:" namespace).
const (
	// ProfileKey holds the hardening profile as a structured config object.
	ProfileKey = "profile"
	// ProfileFileKey names a profile file, relative to the project root, read before ProfileKey.
	ProfileFileKey = "profileFile"
	// RenderDirKey is the folder, relative to the project root, that the kubernetes provider renders
	// every object into instead of applying it to a cluster.
	RenderDirKey = "renderDir"
	// PKIKey holds the control plane's PKI bundle (JSON, secret), written by `kubeharden pki init`.
	PKIKey = "pki"
	// EncryptionKeysKey holds the encryption-at-rest keys (JSON list, secret), the encrypting key first,
	// written by `kubeharden encryption-key`.
	EncryptionKeysKey = "encryptionKeys"
)

// RenderDirEnv overrides the stack's renderDir; the tests use it to render into a temporary folder.
const RenderDirEnv = "KUBEHARDEN_RENDER_DIR"

// Stack outputs that `kubeharden files write` reads.
const (
	ControlPlaneFilesOutput          = "controlPlaneFiles"
	ControlPlaneSensitiveFilesOutput = "controlPlaneSensitiveFiles"
)

var knownKeys = []string{ProfileKey, ProfileFileKey, RenderDirKey, PKIKey, EncryptionKeysKey}

// Run is the kubeharden stack program. Every input is read and checked before the first resource is
// registered, so a bad profile or stack setting creates nothing.
func Run(ctx *pulumi.Context) error {
	if err := checkStackConfigKeys(os.Getenv(pulumi.EnvConfig)); err != nil {
		return err
	}
	cfg := pulumiconfig.New(ctx, ConfigNamespace)
	root, err := projectRoot(ctx)
	if err != nil {
		return err
	}

	src := config.Sources{}
	if raw := cfg.Get(ProfileKey); raw != "" {
		if err := json.Unmarshal([]byte(raw), &src.Stack); err != nil {
			return fmt.Errorf("stack config %s:%s: must be an object: %w", ConfigNamespace, ProfileKey, err)
		}
	}
	if f := cfg.Get(ProfileFileKey); f != "" {
		src.File = underRoot(root, f)
	}
	profile, err := config.Load(src)
	if err != nil {
		return err
	}

	// The control plane's secrets are read and checked here, before anything is registered. Get returns
	// a secret's plaintext to the program only; everything derived from it stays secret below.
	pkiJSON, keysJSON := cfg.Get(PKIKey), cfg.Get(EncryptionKeysKey)
	withControlPlane := pkiJSON != "" || keysJSON != ""
	if withControlPlane {
		if pkiJSON == "" || keysJSON == "" {
			return fmt.Errorf("stack config: %s:%s and %s:%s go together: set the missing one with `kubeharden pki init` or `kubeharden encryption-key init`",
				ConfigNamespace, PKIKey, ConfigNamespace, EncryptionKeysKey)
		}
		if _, err := controlplane.DecodeInputs(profile, pkiJSON, keysJSON); err != nil {
			return fmt.Errorf("stack config: %w", err)
		}
	}

	renderDir := os.Getenv(RenderDirEnv)
	if renderDir == "" {
		renderDir = cfg.Get(RenderDirKey)
	}
	if renderDir == "" {
		return fmt.Errorf("stack config %s:%s: Required value: the folder to render the hardened objects into (or set %s)",
			ConfigNamespace, RenderDirKey, RenderDirEnv)
	}
	renderDir = underRoot(root, renderDir)

	provider, err := kubernetes.NewProvider(ctx, "kubeharden-render", &kubernetes.ProviderArgs{
		RenderYamlToDirectory: pulumi.String(renderDir),
	})
	if err != nil {
		return fmt.Errorf("creating the kubernetes provider: %w", err)
	}
	b, err := baseline.NewBaseline(ctx, "kubeharden", &baseline.BaselineArgs{Profile: profile}, pulumi.Providers(provider))
	if err != nil {
		return err
	}
	if withControlPlane {
		cp, err := controlplane.NewControlPlane(ctx, "kubeharden", &controlplane.ControlPlaneArgs{
			Profile:        profile,
			PKI:            pulumi.ToSecret(pulumi.String(pkiJSON)).(pulumi.StringOutput),
			EncryptionKeys: pulumi.ToSecret(pulumi.String(keysJSON)).(pulumi.StringOutput),
		})
		if err != nil {
			return err
		}
		ctx.Export(ControlPlaneFilesOutput, cp.Files)
		ctx.Export(ControlPlaneSensitiveFilesOutput, cp.SensitiveFiles)
		ctx.Export("cloudInit", cp.CloudInit)
		ctx.Export("certificateExpiries", cp.CertificateExpiries)
		ctx.Export("apiServerFlags", cp.APIServerFlags)
	}
	ctx.Export("renderDir", pulumi.String(renderDir))
	ctx.Export("namespaces", b.Namespaces)
	ctx.Export("kubernetesVersion", pulumi.String(profile.KubernetesVersion))
	return nil
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
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name, ok := strings.CutPrefix(k, ConfigNamespace+":")
		if !ok {
			continue
		}
		known := false
		for _, want := range knownKeys {
			known = known || name == want
		}
		if !known {
			errs = append(errs, field.NotSupported(field.NewPath(k), name, knownKeys))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("stack config: %w", errs.ToAggregate())
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
	root, err := ProjectRootFrom(dir)
	if err != nil {
		return "", fmt.Errorf("finding the project root: %w", err)
	}
	return root, nil
}

func underRoot(root, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(root, p)
}
