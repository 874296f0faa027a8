package controlplane

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/components/pki"
	"github.com/kubeharden/kubeharden/config"
)

// ControlPlaneType is the Pulumi type token of the ControlPlane component.
const ControlPlaneType = "kubeharden:controlplane:ControlPlane"

// ControlPlaneArgs are the inputs of a ControlPlane.
type ControlPlaneArgs struct {
	// Profile is the hardening profile (plain: it decides which files exist).
	Profile *config.Profile
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
	if args == nil || args.Profile == nil || args.PKI == nil || args.EncryptionKeys == nil {
		return nil, errors.New("control plane " + name + ": a profile, a PKI bundle and encryption keys are required")
	}
	profile := *args.Profile
	config.SetDefaultsProfile(&profile)
	if errs := config.ValidateProfile(&profile); len(errs) > 0 {
		return nil, fmt.Errorf("control plane %s: %w", name, config.NewInvalidProfileError(errs))
	}

	c := &ControlPlane{}
	if err := ctx.RegisterComponentResource(ControlPlaneType, name, c, opts...); err != nil {
		return nil, err
	}
	rendered := pulumi.All(args.PKI, args.EncryptionKeys).ApplyT(func(v []any) ([]File, error) {
		in, err := DecodeInputs(&profile, v[0].(string), v[1].(string))
		if err != nil {
			return nil, err
		}
		return Render(in)
	})

	public, sensitive := pulumi.MapArray{}, pulumi.MapArray{}
	for i, f := range Layout(&profile) {
		content := rendered.ApplyT(func(v any) string { return v.([]File)[i].Content }).(pulumi.StringOutput)
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
	c.CloudInit = pulumi.ToSecret(rendered.ApplyT(func(v any) (string, error) { return CloudInit(v.([]File)) })).(pulumi.StringOutput)
	c.CertificateExpiries = pulumi.Unsecret(pulumi.All(args.PKI).ApplyT(func(v []any) (map[string]string, error) {
		var b pki.Bundle
		if err := json.Unmarshal([]byte(v[0].(string)), &b); err != nil {
			return nil, fmt.Errorf("reading the PKI bundle: %w", err)
		}
		out := map[string]string{}
		for n, t := range b.Expiries() {
			out[n] = t.UTC().Format(time.RFC3339)
		}
		return out, nil
	})).(pulumi.StringMapOutput)
	c.APIServerFlags = pulumi.ToStringArray(APIServerArgs(&profile).Flags()).ToStringArrayOutput()

	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"files": c.Files, "sensitiveFiles": c.SensitiveFiles, "cloudInit": c.CloudInit,
		"certificateExpiries": c.CertificateExpiries, "apiServerFlags": c.APIServerFlags,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// DecodeInputs reads the PKI bundle and the encryption keys from their JSON and checks them. Messages
// name fields, never key material.
func DecodeInputs(p *config.Profile, pkiJSON, keysJSON string) (Inputs, error) {
	in := Inputs{Profile: p, PKI: &pki.Bundle{}}
	var errs field.ErrorList
	if err := json.Unmarshal([]byte(pkiJSON), in.PKI); err != nil {
		errs = append(errs, field.Invalid(field.NewPath("pki"), "<secret>", "must be the JSON of a PKI bundle (kubeharden pki init)"))
	}
	if err := json.Unmarshal([]byte(keysJSON), &in.EncryptionKeys); err != nil {
		errs = append(errs, field.Invalid(field.NewPath("encryptionKeys"), "<secret>", `must be a JSON list of {"name", "secret"} (kubeharden encryption-key)`))
	}
	if len(errs) == 0 {
		errs = in.Validate()
	}
	if len(errs) > 0 {
		return Inputs{}, config.NewInvalidProfileError(errs)
	}
	return in, nil
}

// CloudInit renders a #cloud-config document that writes every file, base64-encoded, with its mode.
func CloudInit(files []File) (string, error) {
	type writeFile struct {
		Path        string `json:"path"`
		Permissions string `json:"permissions"`
		Owner       string `json:"owner"`
		Encoding    string `json:"encoding"`
		Content     string `json:"content"`
	}
	sorted := append([]File(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	doc := struct {
		WriteFiles []writeFile `json:"write_files"`
	}{}
	for _, f := range sorted {
		doc.WriteFiles = append(doc.WriteFiles, writeFile{
			Path: f.Path, Permissions: fmt.Sprintf("%04o", f.Mode), Owner: "root:root",
			Encoding: "b64", Content: base64.StdEncoding.EncodeToString([]byte(f.Content)),
		})
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return "", err
	}
	return "#cloud-config\n" + string(out), nil
}
