package controlplanecomponent

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/config"
)

// Descriptor describes the ControlPlane to the component provider.
var Descriptor = descriptor.Component{
	Token:       ControlPlaneType,
	Description: "The hardened control-plane file set (encryption at rest, audit policy, admission configuration, PKI, component flags) as outputs; it creates no resources.",
	Inputs: []descriptor.Input{
		{Name: "profile", Type: reflect.TypeOf(config.Profile{}), Required: true, Description: "The hardening profile."},
		{Name: "pki", Type: descriptor.String, Secret: true, Required: true, Description: "The JSON of the PKI bundle, as `kubeharden pki init` stores it in kubeharden:pki."},
		{Name: "encryptionKeys", Type: descriptor.String, Secret: true, Required: true, Description: "The JSON list of encryption keys, the encrypting key first, as `kubeharden encryption-key init` stores it."},
	},
	Resource: (*ControlPlane)(nil),
	Outputs: map[string]string{
		"files":               "The public files (certificates, policies): each a map of path, mode (octal) and content.",
		"sensitiveFiles":      "The files that hold a private or encryption key, in the same form.",
		"cloudInit":           "A #cloud-config document that writes every file with its mode.",
		"certificateExpiries": "Each certificate's expiry (RFC 3339), by name.",
		"apiServerFlags":      "kube-apiserver's hardened flags.",
	},
	SecretOutputs: []string{"sensitiveFiles", "cloudInit"},
	Profile:       descriptor.WholeProfile("profile"),
	New: func(ctx *pulumi.Context, name string, p config.Resolved, in map[string]pulumi.StringInput, opts ...pulumi.ResourceOption) (pulumi.ComponentResource, error) {
		return NewControlPlane(ctx, name, &ControlPlaneArgs{Profile: p, PKI: in["pki"], EncryptionKeys: in["encryptionKeys"]}, opts...)
	},
}
