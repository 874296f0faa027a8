package controls

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	apiserverv1 "k8s.io/apiserver/pkg/apis/apiserver/v1"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Network separation and hardening", Secrets: Secrets are encrypted at rest in etcd, by a
provider other than identity.

**Checked:** kube-apiserver's --encryption-provider-config and the EncryptionConfiguration it names
(or k3s's secrets-encryption).

**Passes when:** the flag is set, a resource entry covers secrets, and its first provider, the one that
encrypts, is aescbc, aesgcm, secretbox or kms, never identity.

Sources: CIS 1.2.27, 1.2.28; kubescape C-0066.
*/

func init() { addControl(CheckEncryptionAtRest) }

// CheckEncryptionAtRest is the encryption-at-rest control.
func CheckEncryptionAtRest() Control {
	return Control{
		ID: "encryption-at-rest", Level: LevelMandatory, Title: "Secrets are encrypted in etcd by a provider other than identity",
		Guide: "Network separation and hardening: Secrets", CIS: "1.2.27, 1.2.28", Kubescape: "C-0066", Inspects: ScopeControlPlane,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: encryptionAtRest_1_31}},
	}
}

func encryptionAtRest_1_31(inv *Inventory) Result {
	cp := inv.ControlPlane
	var out Result
	for _, k3s := range cp.Configs("K3sConfig") {
		if on, _, _ := unstructured.NestedBool(k3s.Typed().(*unstructured.Unstructured).Object, "secrets-encryption"); on {
			out.Evidence = append(out.Evidence, Evidence{Object: "k3s", Path: k3s.Path, Detail: "secrets-encryption: true (k3s writes and rotates its own EncryptionConfiguration)"})
			return out
		}
	}
	api := cp.APIServer
	if api == nil {
		return Result{NotEvaluated: missingComponent("kube-apiserver")}
	}
	flag, set := api.Arg("encryption-provider-config")
	if !set || flag == "" {
		out.Findings = append(out.Findings, Finding{Object: api.Name, Path: api.Source, Field: "--encryption-provider-config",
			Message: "is not set: Secrets are stored in plaintext in etcd",
			Remedy:  "set --encryption-provider-config to an EncryptionConfiguration whose first provider for secrets is secretbox, aesgcm, aescbc or kms (kubeharden renders one)"})
		return out
	}
	doc, ok := cp.File(flag, "EncryptionConfiguration")
	if !ok {
		return Result{NotEvaluated: notAmongInputs(api, "encryption-provider-config", flag)}
	}
	cfg := doc.Typed().(*apiserverv1.EncryptionConfiguration)
	for i, rc := range cfg.Resources {
		if !slices.Contains(rc.Resources, "secrets") && !slices.Contains(rc.Resources, "*.") && !slices.Contains(rc.Resources, "*.*") {
			continue
		}
		field := fmt.Sprintf("resources[%d].providers[0]", i)
		if len(rc.Providers) == 0 {
			out.Findings = append(out.Findings, Finding{Object: "EncryptionConfiguration", Path: doc.Path, Field: fmt.Sprintf("resources[%d].providers", i),
				Message: "covers secrets with no provider", Remedy: "list secretbox, aesgcm, aescbc or kms first"})
			return out
		}
		first := rc.Providers[0]
		name, key := "", ""
		switch {
		case first.Secretbox != nil:
			name = "secretbox"
			if len(first.Secretbox.Keys) > 0 {
				key = first.Secretbox.Keys[0].Name
			}
		case first.AESGCM != nil:
			name = "aesgcm"
			if len(first.AESGCM.Keys) > 0 {
				key = first.AESGCM.Keys[0].Name
			}
		case first.AESCBC != nil:
			name = "aescbc"
			if len(first.AESCBC.Keys) > 0 {
				key = first.AESCBC.Keys[0].Name
			}
		case first.KMS != nil:
			name, key = "kms "+first.KMS.APIVersion, first.KMS.Name
		}
		if name == "" {
			out.Findings = append(out.Findings, Finding{Object: "EncryptionConfiguration", Path: doc.Path, Field: field,
				Message: "the first provider for secrets is identity: new Secrets are written in plaintext",
				Remedy:  "put secretbox, aesgcm, aescbc or kms first; keep identity last only while migrating"})
			return out
		}
		out.Evidence = append(out.Evidence, Evidence{Object: "EncryptionConfiguration", Path: doc.Path,
			Detail: fmt.Sprintf("secrets are encrypted by %s (key %q); kube-apiserver --encryption-provider-config=%s", name, key, flag)})
		return out
	}
	out.Findings = append(out.Findings, Finding{Object: "EncryptionConfiguration", Path: doc.Path, Field: "resources",
		Message: "no resource entry covers secrets", Remedy: "add an entry for resources [secrets] with secretbox, aesgcm, aescbc or kms first"})
	return out
}
