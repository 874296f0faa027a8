package controlplane

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/pki"
)

// DecodeInputs reads the PKI bundle and the encryption keys from their JSON and checks them. Messages
// name fields, never key material.
func DecodeInputs(p config.Resolved, pkiJSON, keysJSON string) (Inputs, error) {
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

// CloudInit renders a #cloud-config document that writes every file, base64-encoded, with its mode, and
// then applies the sysctl.d files among them (the kubelet's kernel settings), before anything starts a
// kubelet.
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
		RunCmd     [][]string  `json:"runcmd,omitempty"`
	}{}
	for _, f := range sorted {
		if filepath.Base(filepath.Dir(f.Path)) == "sysctl.d" {
			doc.RunCmd = append(doc.RunCmd, []string{"sysctl", "--load", f.Path})
		}
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
