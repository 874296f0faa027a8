package controlplanecomponent

import (
	"errors"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/controlplane"
)

// ControlPlaneType is the Pulumi type token of the ControlPlane component.
const ControlPlaneType = contract.ControlPlaneType

// ControlPlaneArgs are the inputs of a ControlPlane.
type ControlPlaneArgs struct {
	// Profile is the resolved hardening profile (plain: it decides which files exist); it is neither
	// defaulted nor validated again.
	Profile config.Resolved
	// PKI is the JSON of a pki.Bundle, as `kubeharden pki init` stores it in the stack's secret config.
	PKI pulumi.StringInput
	// EncryptionKeys is the JSON list of EncryptionKey, the encrypting key first.
	EncryptionKeys pulumi.StringInput
}

// ControlPlane is the hardened control-plane file set, as outputs. It creates no resources of its own:
// the files go to the nodes through the cloud-init document or `kubeharden files write`.
type ControlPlane struct {
	pulumi.ResourceState

	// Files are the public files (certificates, policies), each a map of path, mode (octal string) and
	// content. Not secret.
	Files pulumi.MapArrayOutput `pulumi:"files"`
	// SensitiveFiles are the files that hold a private or encryption key, in the same form. Secret as a
	// whole: Pulumi makes a list secret when any element is.
	SensitiveFiles pulumi.MapArrayOutput `pulumi:"sensitiveFiles"`
	// CloudInit is a #cloud-config document that writes every file with its mode. Secret.
	CloudInit pulumi.StringOutput `pulumi:"cloudInit"`
	// CertificateExpiries maps each certificate's name to its expiry (RFC 3339).
	CertificateExpiries pulumi.StringMapOutput `pulumi:"certificateExpiries"`
	// APIServerFlags are kube-apiserver's hardened flags.
	APIServerFlags pulumi.StringArrayOutput `pulumi:"apiServerFlags"`
}

// NewControlPlane renders the control-plane file set. An invalid profile is refused before anything is
// registered; invalid secret inputs fail the update with their field paths and no key material.
func NewControlPlane(ctx *pulumi.Context, name string, args *ControlPlaneArgs, opts ...pulumi.ResourceOption) (*ControlPlane, error) {
	if args == nil || args.PKI == nil || args.EncryptionKeys == nil {
		return nil, errors.New("control plane " + name + ": a profile, a PKI bundle and encryption keys are required")
	}
	profile := args.Profile
	if err := profile.Require(); err != nil {
		return nil, fmt.Errorf("control plane %s: %w", name, err)
	}

	c := &ControlPlane{}
	if err := ctx.RegisterComponentResource(ControlPlaneType, name, c, opts...); err != nil {
		return nil, err
	}
	// The secret inputs are decoded once; the files and the expiries are both made from what was decoded.
	inputs := pulumi.All(args.PKI, args.EncryptionKeys).ApplyT(func(v []any) (controlplane.Inputs, error) {
		return controlplane.DecodeInputs(profile, v[0].(string), v[1].(string))
	})
	rendered := inputs.ApplyT(func(v any) ([]controlplane.File, error) { return controlplane.Render(v.(controlplane.Inputs)) })

	public, sensitive := pulumi.MapArray{}, pulumi.MapArray{}
	for i, f := range controlplane.Layout(profile) {
		content := rendered.ApplyT(func(v any) string { return v.([]controlplane.File)[i].Content }).(pulumi.StringOutput)
		entry := pulumi.Map{"path": pulumi.String(f.Path), "mode": pulumi.String(fmt.Sprintf("%04o", f.Mode))}
		if f.Sensitive {
			entry["content"] = pulumi.ToSecret(content).(pulumi.StringOutput)
			sensitive = append(sensitive, entry)
		} else {
			entry["content"] = pulumi.Unsecret(content).(pulumi.StringOutput) // certificates and policies are public
			public = append(public, entry)
		}
	}
	c.Files = public.ToMapArrayOutput()
	c.SensitiveFiles = pulumi.ToSecret(sensitive.ToMapArrayOutput()).(pulumi.MapArrayOutput)
	c.CloudInit = pulumi.ToSecret(rendered.ApplyT(func(v any) (string, error) { return controlplane.CloudInit(v.([]controlplane.File)) })).(pulumi.StringOutput)
	c.CertificateExpiries = pulumi.Unsecret(inputs.ApplyT(func(v any) map[string]string {
		out := map[string]string{}
		for n, t := range v.(controlplane.Inputs).PKI.Expiries() {
			out[n] = t.UTC().Format(time.RFC3339)
		}
		return out
	})).(pulumi.StringMapOutput)
	c.APIServerFlags = pulumi.ToStringArray(controlplane.APIServerArgs(profile).Flags()).ToStringArrayOutput()

	if err := descriptor.RegisterOutputs(ctx, c, pulumi.Map{
		"files": c.Files, "sensitiveFiles": c.SensitiveFiles, "cloudInit": c.CloudInit,
		"certificateExpiries": c.CertificateExpiries, "apiServerFlags": c.APIServerFlags,
	}); err != nil {
		return nil, err
	}
	return c, nil
}
