package config

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSeeds are profile documents for the fuzz targets to start from: the stacks' profiles and each
// kind of value a profile holds.
func fuzzSeeds(f *testing.F) [][]byte {
	seeds := [][]byte{
		[]byte("tenants:\n  - name: a\n    egressCIDRs: [10.0.0.0/8, '::/0']\n    quota: {limitsCPU: 4, limitsMemory: 4Gi}\n"),
		[]byte("podSecurity: {enforce: baseline, version: v1.30, exemptionReason: legacy}\n"),
		[]byte("controlPlane:\n  audit: {maxAge: 30}\n  encryption: {provider: secretbox}\n"),
		[]byte("apiVersion: kubeharden.io/v1alpha1\nkind: Profile\nrbac:\n  breakGlass:\n    - {name: x, reason: y, subject: {kind: User, name: z}}\n"),
		[]byte(`{"kubernetesVersion": "1.36.3", "tenants": [{"name": "b", "access": {"admins": [{"kind": "Group", "name": "g"}]}}]}`),
	}
	for _, name := range []string{"Pulumi.dev.yaml", "Pulumi.cluster.yaml"} {
		if data, err := os.ReadFile(filepath.Join("..", "stacks", name)); err == nil {
			seeds = append(seeds, data)
		}
	}
	return seeds
}

// checkLoaded holds what Load promises, whatever it was given: an invalid profile is an error whose
// every line is short (values are cut); a profile it returns is resolved (valid, and resolving it again
// changes nothing).
func checkLoaded(t *testing.T, r Resolved, err error) {
	t.Helper()
	if err != nil {
		if !r.IsZero() {
			t.Fatalf("a profile and an error: %v", err)
		}
		if errors.Is(err, ErrInvalidProfile) {
			for _, line := range strings.Split(err.Error(), "\n") {
				if len(line) > 2_000 {
					t.Fatalf("a message line of %d characters: %.200s...", len(line), line)
				}
			}
		}
		return
	}
	p := r.Profile()
	if errs := ValidateProfile(p); len(errs) > 0 {
		t.Fatalf("Load returned an invalid profile: %v", errs.ToAggregate())
	}
	again, err := Resolve(p)
	if err != nil {
		t.Fatalf("resolving a loaded profile again: %v", err)
	}
	a, _ := json.Marshal(p)
	b, _ := json.Marshal(again.Profile())
	if string(a) != string(b) {
		t.Fatalf("resolving a resolved profile changed it:\n%s\n%s", a, b)
	}
}

// FuzzLoadProfileFile: a profile file of any content is loaded or refused, never crashes or hangs Load,
// and what Load returns keeps its promises (checkLoaded).
func FuzzLoadProfileFile(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > MaxProfileFileSize {
			return
		}
		doc, err := parseProfileFile(data, "profile.yaml")
		if err != nil {
			return
		}
		if errs := applyEnvironment(doc, []string{}); len(errs) > 0 {
			t.Fatalf("an empty environment set something: %v", errs)
		}
		p, errs := Decode(doc)
		if len(errs) > 0 {
			checkLoaded(t, Resolved{}, NewInvalidProfileError(errs))
			return
		}
		resolved, err := Resolve(p)
		checkLoaded(t, resolved, err)
	})
}

// FuzzLoadStackProfile: the kubeharden:profile object of a stack's settings (JSON, as the program gets it
// from Pulumi), with a profile file beside it, keeps the same promises.
func FuzzLoadStackProfile(f *testing.F) {
	f.Add([]byte(`{"tenants":[{"name":"a","quota":{"pods":"10"}}]}`), []byte("tenants:\n  - name: b\n"))
	f.Add([]byte(`{"podSecurity":{"enforce":"privileged"}}`), []byte(""))
	f.Add([]byte(`{"controlPlane":{"audit":{"maxAge":"30"}}}`), []byte("kubernetesVersion: 1.35.0\n"))
	f.Add([]byte(`{"tenants":"team-a"}`), []byte("tenants: [{name: a}]\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, stackJSON, file []byte) {
		var stack map[string]any
		if json.Unmarshal(stackJSON, &stack) != nil || len(file) > MaxProfileFileSize {
			return
		}
		name := filepath.Join(dir, "profile.yaml")
		if err := os.WriteFile(name, file, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := Load(Sources{File: name, Stack: stack, Environ: []string{}})
		checkLoaded(t, p, err)
	})
}
