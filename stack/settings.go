package stack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
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
	// KubeconfigKey is the kubeconfig file, relative to the project root, of the cluster to apply the
	// hardened objects to. Exactly one of renderDir and kubeconfig is set.
	KubeconfigKey = "kubeconfig"
	// PKIKey holds the control plane's PKI bundle (JSON, secret), written by `kubeharden pki init`.
	PKIKey = "pki"
	// EncryptionKeysKey holds the encryption-at-rest keys (JSON list, secret), the encrypting key first,
	// written by `kubeharden encryption-key`.
	EncryptionKeysKey = "encryptionKeys"
)

// RenderDirEnv overrides the stack's renderDir; the tests use it to render into a temporary folder.
const RenderDirEnv = "KUBEHARDEN_RENDER_DIR"

// KubeconfigEnv overrides the stack's kubeconfig.
const KubeconfigEnv = "KUBEHARDEN_KUBECONFIG"

// Stack outputs that `kubeharden files write` reads.
const (
	ControlPlaneFilesOutput          = "controlPlaneFiles"
	ControlPlaneSensitiveFilesOutput = "controlPlaneSensitiveFiles"
)

// SettingKeys are the kubeharden:* stack settings the program reads; any other is refused.
var SettingKeys = []string{ProfileKey, ProfileFileKey, RenderDirKey, KubeconfigKey, PKIKey, EncryptionKeysKey}

// UnderRoot resolves p against the project root, unless it is absolute.
func UnderRoot(root, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(root, p)
}

// ProfileSources are the profile's sources as a stack's settings give them: kubeharden:profile (the JSON
// of an object; empty for none) and kubeharden:profileFile (resolved against the project root; empty for
// none). The program, `kubeharden pki init` and `kubeharden check --profile` all read a profile this way.
func ProfileSources(profileJSON, profileFile, root string) (config.Sources, error) {
	var src config.Sources
	if profileJSON != "" {
		if err := json.Unmarshal([]byte(profileJSON), &src.Stack); err != nil {
			return config.Sources{}, fmt.Errorf("%s:%s: must be an object: %w", ConfigNamespace, ProfileKey, err)
		}
	}
	if profileFile != "" {
		src.File = UnderRoot(root, profileFile)
	}
	return src, nil
}

// FieldManagerOf is the server-side apply field manager (contract.StackFieldManager) of the stack whose
// settings file is settingsFile (stacks/Pulumi.<stack>.yaml), in the project whose Pulumi.yaml is at or
// above the file's folder.
func FieldManagerOf(settingsFile string) (string, error) {
	base := filepath.Base(settingsFile)
	name, ok := strings.CutPrefix(base, "Pulumi.")
	if ok {
		name, ok = strings.CutSuffix(name, ".yaml")
	}
	if !ok || name == "" {
		return "", fmt.Errorf("%s is not a stack settings file (Pulumi.<stack>.yaml): the stack is not known", settingsFile)
	}
	root, err := ProjectRootFrom(filepath.Dir(settingsFile))
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		return "", err
	}
	var project struct {
		Name string `json:"name"`
	}
	if err := yaml.Unmarshal(data, &project); err != nil || project.Name == "" {
		return "", fmt.Errorf("%s: no project name: %v", filepath.Join(root, "Pulumi.yaml"), err)
	}
	return contract.StackFieldManager(project.Name, name), nil
}
