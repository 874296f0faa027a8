package check

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden/config"
)

// FuzzProfileFromFile: what `kubeharden check --profile` reads, a stack settings file or a profile file
// of any content, is loaded or refused without crashing; a profile it returns is valid, and a refusal of
// its content is cut to a readable length.
func FuzzProfileFromFile(f *testing.F) {
	for _, name := range []string{"Pulumi.dev.yaml", "Pulumi.cluster.yaml"} {
		if data, err := os.ReadFile(filepath.Join("..", "stacks", name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("config:\n  kubeharden:profile:\n    tenants: [{name: a}]\n  kubeharden:profileFile: p.yaml\n"))
	f.Add([]byte("config:\n  kubeharden:profile: [1]\n"))
	f.Add([]byte("config: {}\n"))
	f.Add([]byte("tenants:\n  - name: a\ncompliance:\n  exemptions:\n    - {control: rbac-pod-exec, reason: r}\n"))
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: fuzz\nruntime: go\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("kubernetesVersion: 1.35.2\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > config.MaxProfileFileSize {
			return
		}
		name := filepath.Join(dir, "Pulumi.fuzz.yaml")
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := ProfileFromFile(name)
		switch {
		case err != nil && !p.IsZero():
			t.Fatalf("a profile and an error: %v", err)
		case err != nil && errors.Is(err, config.ErrInvalidProfile):
			for _, line := range strings.Split(err.Error(), "\n") {
				if len(line) > 2_000 {
					t.Fatalf("a message line of %d characters", len(line))
				}
			}
		case err == nil:
			if errs := config.ValidateProfile(p.Profile()); len(errs) > 0 {
				t.Fatalf("an invalid profile: %v", errs.ToAggregate())
			}
		}
	})
}
