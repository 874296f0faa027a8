package controlplanecomponent

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/components/componenttest"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/pki"
)

func testInputs(t *testing.T) controlplane.Inputs {
	t.Helper()
	p := componenttest.Resolved(t, &config.Profile{ControlPlane: config.ControlPlane{Root: "/etc/kubernetes"}})
	b, err := pki.Generate(pki.Options{ServiceIP: "10.96.0.1"})
	require.NoError(t, err)
	key, err := controlplane.NewEncryptionKey("key-2")
	require.NoError(t, err)
	return controlplane.Inputs{Profile: p, PKI: b, EncryptionKeys: []controlplane.EncryptionKey{key}}
}

func secretInputs(t *testing.T, in controlplane.Inputs) (pulumi.StringInput, pulumi.StringInput) {
	t.Helper()
	b, err := json.Marshal(in.PKI)
	require.NoError(t, err)
	k, err := json.Marshal(in.EncryptionKeys)
	require.NoError(t, err)
	return pulumi.ToSecret(pulumi.String(string(b))).(pulumi.StringOutput), pulumi.ToSecret(pulumi.String(string(k))).(pulumi.StringOutput)
}

func TestNewControlPlaneKeepsSensitiveFilesSecret(t *testing.T) {
	in := testInputs(t)
	var filesSecret, sensitiveSecret, cloudInitSecret bool
	var public, sensitive []map[string]any
	var expiries map[string]string
	_, err := componenttest.Run(func(ctx *pulumi.Context) error {
		pkiJSON, keysJSON := secretInputs(t, in)
		cp, err := NewControlPlane(ctx, "cp", &ControlPlaneArgs{Profile: in.Profile, PKI: pkiJSON, EncryptionKeys: keysJSON})
		if err != nil {
			return err
		}
		// An export is awaited by the run; a bare ApplyT may not be.
		ctx.Export("probe", pulumi.All(cp.Files, cp.SensitiveFiles, cp.CertificateExpiries).ApplyT(func(v []any) int {
			public, sensitive, expiries = v[0].([]map[string]any), v[1].([]map[string]any), v[2].(map[string]string)
			return 0
		}))
		filesSecret, sensitiveSecret = pulumi.IsSecret(cp.Files), pulumi.IsSecret(cp.SensitiveFiles)
		cloudInitSecret = pulumi.IsSecret(cp.CloudInit)
		return nil
	})
	require.NoError(t, err)
	assert.False(t, filesSecret, "certificates and policies are public")
	assert.True(t, sensitiveSecret, "keys are secret")
	assert.True(t, cloudInitSecret, "the cloud-init document carries keys")

	var wantPublic, wantSensitive []string
	for _, f := range controlplane.Layout(in.Profile) {
		if f.Sensitive {
			wantSensitive = append(wantSensitive, f.Path)
		} else {
			wantPublic = append(wantPublic, f.Path)
		}
	}
	paths := func(files []map[string]any, keyMaterial bool) []string {
		var out []string
		for _, f := range files {
			out = append(out, f["path"].(string))
			assert.Equal(t, keyMaterial, strings.Contains(f["content"].(string), "PRIVATE KEY") ||
				strings.Contains(f["content"].(string), "client-key-data") || strings.Contains(f["content"].(string), "secretbox"), f["path"])
		}
		return out
	}
	assert.Equal(t, wantPublic, paths(public, false))
	assert.Equal(t, wantSensitive, paths(sensitive, true))
	assert.Len(t, expiries, len(in.PKI.Expiries()), "every certificate the bundle holds (no audit webhook: not its two)")
	assert.Len(t, expiries, len(pki.RequiredNames()))
}

func TestNewControlPlaneRefusesBadInput(t *testing.T) {
	in := testInputs(t)
	// A bad profile never reaches the component: resolving it refuses it; a profile that was not resolved
	// registers nothing.
	bad := in.Profile.Profile()
	bad.ControlPlane.Encryption.Provider = "identity"
	_, err := config.Resolve(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "controlPlane.encryption.provider: Forbidden: identity stores resources in plaintext")
	rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
		pkiJSON, keysJSON := secretInputs(t, in)
		_, err := NewControlPlane(ctx, "cp", &ControlPlaneArgs{PKI: pkiJSON, EncryptionKeys: keysJSON})
		return err
	})
	assert.ErrorContains(t, err, "control plane cp: a resolved profile is required")
	assert.Empty(t, rec.Resources())

	in.EncryptionKeys[0].Secret = "c2hvcnQ="
	_, err = componenttest.Run(func(ctx *pulumi.Context) error {
		pkiJSON, keysJSON := secretInputs(t, in)
		_, err := NewControlPlane(ctx, "cp", &ControlPlaneArgs{Profile: in.Profile, PKI: pkiJSON, EncryptionKeys: keysJSON})
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "encryptionKeys[0].secret: Invalid value: \"<secret>\": must be 32 bytes of base64, is 5 bytes")
	assert.False(t, strings.Contains(err.Error(), "PRIVATE KEY"))
}
