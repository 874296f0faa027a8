package stack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/controls/live"
	"github.com/kubeharden/kubeharden/pki"
)

// PulumiCLI runs the pulumi CLI against one stack of the project in Dir. Secret values travel on
// standard input, never on the command line.
type PulumiCLI struct {
	// Bin is the pulumi binary; empty means "pulumi" on PATH.
	Bin string
	// Dir is the project folder (where Pulumi.yaml is).
	Dir string
	// Stack is the stack name.
	Stack string
	// ConfigFile, when set, is the stack's settings file in place of stacks/Pulumi.<stack>.yaml (pulumi's
	// --config-file): a file kept out of the repository for settings that hold secrets.
	ConfigFile string
}

// ErrConfigNotSet is returned by ConfigGet for a key the stack does not set.
var ErrConfigNotSet = errors.New("not set in the stack config")

func (p PulumiCLI) run(stdin string, args ...string) (string, error) {
	bin := p.Bin
	if bin == "" {
		bin = "pulumi"
	}
	args = append(args, "--stack", p.Stack, "--non-interactive")
	if p.ConfigFile != "" && args[0] == "config" {
		args = append(args, "--config-file", p.ConfigFile)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = p.Dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("pulumi %s: %w: %s", args[0]+" "+args[1], err, strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}

// ConfigGet returns the (decrypted) value of a kubeharden:<key> setting, or ErrConfigNotSet.
func (p PulumiCLI) ConfigGet(key string) (string, error) {
	full := ConfigNamespace + ":" + key
	out, err := p.run("", "config", "get", full)
	if err != nil {
		if strings.Contains(err.Error(), "not found") {
			return "", fmt.Errorf("%s: %w", full, ErrConfigNotSet)
		}
		return "", err
	}
	return strings.TrimSuffix(out, "\n"), nil
}

// ConfigSetSecret sets kubeharden:<key> to a secret value.
func (p PulumiCLI) ConfigSetSecret(key, value string) error {
	_, err := p.run(value, "config", "set", "--secret", ConfigNamespace+":"+key)
	return err
}

// StackOutput returns one stack output as JSON, secrets shown.
func (p PulumiCLI) StackOutput(name string) (string, error) {
	return p.run("", "stack", "output", name, "--json", "--show-secrets")
}

// StackProfile loads the stack's profile as the program does (profile file, stack config, environment).
func StackProfile(p PulumiCLI) (config.Resolved, error) {
	get := func(key string) (string, error) {
		v, err := p.ConfigGet(key)
		if errors.Is(err, ErrConfigNotSet) {
			return "", nil
		}
		return v, err
	}
	profileJSON, err := get(ProfileKey)
	if err != nil {
		return config.Resolved{}, err
	}
	profileFile, err := get(ProfileFileKey)
	if err != nil {
		return config.Resolved{}, err
	}
	src, err := ProfileSources(profileJSON, profileFile, p.Dir)
	if err != nil {
		return config.Resolved{}, err
	}
	return config.Load(src)
}

// PKIOptionsFor fills the API server's names from the profile: its SANs, its advertise address and the
// kubernetes Service address (the first of the Service range); and the audit webhook receiver's name,
// the host of controlPlane.audit.webhookServer, where it has one.
func PKIOptionsFor(p config.Resolved, opts pki.Options) (pki.Options, error) {
	api := p.ControlPlane.APIServer
	opts.SANs = append(append([]string(nil), api.SANs...), opts.SANs...)
	if api.AdvertiseAddress != "" {
		opts.SANs = append(opts.SANs, api.AdvertiseAddress)
	}
	if hook := p.ControlPlane.Audit.WebhookServer; hook != "" {
		u, err := url.Parse(hook)
		if err != nil {
			return opts, fmt.Errorf("controlPlane.audit.webhookServer: %w", err)
		}
		opts.AuditWebhookSANs = append(opts.AuditWebhookSANs, u.Hostname())
	}
	prefix, err := netip.ParsePrefix(api.ServiceClusterIPRange)
	if err != nil {
		return opts, fmt.Errorf("controlPlane.apiServer.serviceClusterIPRange: %w", err)
	}
	opts.ServiceIP = prefix.Masked().Addr().Next().String()
	return opts, nil
}

// InitStackPKI generates the control plane's PKI for the names in the stack's profile (PKIOptionsFor)
// and the extra names, CA and lifetimes of extra, into the stack's secret config (InitPKI).
func InitStackPKI(p PulumiCLI, extra pki.Options, renewal PKIRenewal) (*pki.Bundle, bool, error) {
	profile, err := StackProfile(p)
	if err != nil {
		return nil, false, err
	}
	opts, err := PKIOptionsFor(profile, extra)
	if err != nil {
		return nil, false, err
	}
	return InitPKI(p, opts, renewal)
}

// PKIRenewal says what InitPKI does with a bundle the stack already holds.
type PKIRenewal struct {
	// Replace generates a new bundle whatever the old one holds.
	Replace bool
	// Within, when positive, generates a new bundle when a certificate of the old one expires within this
	// long (or it does not decode), and keeps it otherwise.
	Within time.Duration
	// Now is the time expiries are measured from (zero: time.Now).
	Now time.Time
}

// InitPKI generates the control plane's PKI bundle into the stack's secret config and returns it; kept
// reports that the stack's bundle was kept (and is what it returns). An existing bundle is an error unless
// renewal says to replace it or to renew it when it is about to expire: regenerating it changes every
// certificate, and every CA, of a running cluster.
func InitPKI(p PulumiCLI, opts pki.Options, renewal PKIRenewal) (b *pki.Bundle, kept bool, err error) {
	unlock, err := p.lockSettings()
	if err != nil {
		return nil, false, err
	}
	defer unlock()
	existing, err := p.ConfigGet(PKIKey)
	switch {
	case errors.Is(err, ErrConfigNotSet):
	case err != nil:
		return nil, false, err
	case renewal.Replace:
	case renewal.Within > 0:
		now := renewal.Now
		if now.IsZero() {
			now = time.Now()
		}
		old := &pki.Bundle{}
		if json.Unmarshal([]byte(existing), old) == nil && old.EarliestExpiry().After(now.Add(renewal.Within)) {
			return old, true, nil
		}
	default:
		return nil, false, fmt.Errorf("%s:%s is already set; pass --replace to generate a new PKI (every certificate changes)", ConfigNamespace, PKIKey)
	}
	b, err = pki.Generate(opts)
	if err != nil {
		return nil, false, err
	}
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, false, err
	}
	return b, false, p.ConfigSetSecret(PKIKey, string(raw))
}

// EncryptionKeys reads the stack's encryption keys (an empty list when none are set).
func EncryptionKeys(p PulumiCLI) ([]controlplane.EncryptionKey, error) {
	raw, err := p.ConfigGet(EncryptionKeysKey)
	if errors.Is(err, ErrConfigNotSet) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var keys []controlplane.EncryptionKey
	if err := json.Unmarshal([]byte(raw), &keys); err != nil {
		return nil, fmt.Errorf("%s:%s: must be a JSON list of keys: %w", ConfigNamespace, EncryptionKeysKey, err)
	}
	return keys, nil
}

// SetEncryptionKeys writes the stack's encryption keys, after checking them.
func SetEncryptionKeys(p PulumiCLI, keys []controlplane.EncryptionKey) error {
	if errs := controlplane.ValidateEncryptionKeys("secretbox", keys, nil); len(errs) > 0 {
		return fmt.Errorf("%s:%s: %w", ConfigNamespace, EncryptionKeysKey, config.ShortenErrors(errs).ToAggregate())
	}
	raw, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	return p.ConfigSetSecret(EncryptionKeysKey, string(raw))
}

// ChangeEncryptionKeys reads the stack's encryption keys, changes them with change (one rotation step)
// and stores the result in the secret config, holding the stack's settings lock throughout; it returns
// the keys stored.
func ChangeEncryptionKeys(p PulumiCLI, change func([]controlplane.EncryptionKey) ([]controlplane.EncryptionKey, error)) ([]controlplane.EncryptionKey, error) {
	unlock, err := p.lockSettings()
	if err != nil {
		return nil, err
	}
	defer unlock()
	keys, err := EncryptionKeys(p)
	if err != nil {
		return nil, err
	}
	if keys, err = change(keys); err != nil {
		return nil, err
	}
	return keys, SetEncryptionKeys(p, keys)
}

// ReadFileSet reads the control-plane files from the stack's outputs (after `pulumi up`): the public
// ones, and with sensitive those that hold a private or encryption key.
func ReadFileSet(p PulumiCLI, sensitive bool) ([]controlplane.File, error) {
	var files []controlplane.File
	outputs := []string{ControlPlaneFilesOutput}
	if sensitive {
		outputs = append(outputs, ControlPlaneSensitiveFilesOutput)
	}
	for _, output := range outputs {
		raw, err := p.StackOutput(output)
		if err != nil {
			return nil, err
		}
		var entries []struct{ Path, Mode, Content string }
		if err := json.Unmarshal([]byte(raw), &entries); err != nil {
			return nil, fmt.Errorf("reading stack output %s: %w", output, err)
		}
		for _, e := range entries {
			mode, err := strconv.ParseUint(e.Mode, 8, 32)
			if err != nil {
				return nil, fmt.Errorf("stack output %s: %s: mode %q: %w", output, e.Path, e.Mode, err)
			}
			files = append(files, controlplane.File{Path: e.Path, Mode: fs.FileMode(mode), Content: e.Content,
				Sensitive: output == ControlPlaneSensitiveFilesOutput})
		}
	}
	if len(files) == 0 {
		return nil, errors.New("the stack has no control-plane files: set kubeharden:pki and kubeharden:encryptionKeys, then pulumi up")
	}
	return files, nil
}

// RewriteAllSecrets is rotation step 3 against the cluster of a kubeconfig.
func RewriteAllSecrets(ctx context.Context, kubeconfig string) (int, error) {
	cfg, err := live.Config(kubeconfig)
	if err != nil {
		return 0, err
	}
	client, err := live.NewClient(cfg)
	if err != nil {
		return 0, err
	}
	return controlplane.RewriteSecrets(ctx, client)
}

// ProjectRootFrom finds the folder of Pulumi.yaml at or above dir.
func ProjectRootFrom(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "Pulumi.yaml")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("no Pulumi.yaml in " + abs + " or above it")
		}
	}
}
