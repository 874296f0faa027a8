package pulumitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden/fleet"
	"github.com/kubeharden/kubeharden/tests/testenv"
)

// DevPassphrase is the documented passphrase of the dev stack (see the Makefile and README).
const DevPassphrase = "kubeharden-dev"

// RepoRoot is the folder of Pulumi.yaml.
func RepoRoot(t testing.TB) string { return testenv.RepoRoot() }

// ToolsBin is the folder `make tools` links the built tools into.
func ToolsBin() string {
	if d := os.Getenv("KUBEHARDEN_TOOLS_DIR"); d != "" {
		return filepath.Join(d, "bin")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = filepath.Join(os.Getenv("HOME"), ".cache")
	}
	return filepath.Join(cache, "kubeharden", "tools", "bin")
}

// Workspace is a temporary Pulumi backend for one test, with the environment every command runs in.
type Workspace struct {
	t       testing.TB
	Dir     string // the project folder the commands run in
	Backend string // the file backend folder
	// ConfigFile, when set, is the stack's settings file every command that reads settings (up, preview,
	// refresh, destroy, config) is given with --config-file, unless it names one itself.
	ConfigFile string
	env        []string
}

// Unavailable ends a test that needs a tool which is missing (what says which, and where it was looked
// for): skipped outside CI, failed in CI, where `make tools` must have built it.
func Unavailable(t testing.TB, what string) {
	t.Helper()
	testenv.Unavailable(t, what, "run `make tools`")
}

// RequireTool returns the path of the tool name in the folder dir, or ends the test as Unavailable.
func RequireTool(t testing.TB, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		Unavailable(t, name+" not found in "+dir)
	}
	return path
}

// NewWorkspace finds pulumi (skipping the test where it is missing outside CI, failing it in CI) and
// prepares a fresh file backend. extraEnv entries ("K=V") are added to every command's environment.
// KUBEHARDEN_* variables of the calling environment are dropped, except the tools folder, so that a
// developer's own overrides cannot change what a test renders.
func NewWorkspace(t testing.TB, extraEnv ...string) *Workspace {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: runs the real pulumi CLI (not with -short)")
	}
	path := ToolsBin() + string(os.PathListSeparator) + os.Getenv("PATH")
	if _, err := lookPath("pulumi", path); err != nil {
		Unavailable(t, "pulumi not found in "+ToolsBin()+" or on PATH")
	}
	backend := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if (strings.HasPrefix(k, "KUBEHARDEN_") && k != "KUBEHARDEN_TOOLS_DIR") || strings.HasPrefix(k, "PULUMI_") || k == "PATH" {
			continue
		}
		env = append(env, kv)
	}
	if home := os.Getenv("PULUMI_HOME"); home != "" {
		env = append(env, "PULUMI_HOME="+home) // where the kubernetes provider is registered
	}
	env = append(env,
		"PATH="+path,
		"PULUMI_BACKEND_URL=file://"+backend,
		"PULUMI_CONFIG_PASSPHRASE="+DevPassphrase,
		"PULUMI_SKIP_UPDATE_CHECK=true",
		"PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true",
	)
	env = append(env, extraEnv...)
	return &Workspace{t: t, Dir: RepoRoot(t), Backend: backend, env: env}
}

// Env is the environment every command of the workspace runs in.
func (w *Workspace) Env() []string { return append([]string(nil), w.env...) }

// Bin is the pulumi binary the workspace runs, for a test that runs it itself (at once with another, or
// with standard input).
func (w *Workspace) Bin() string {
	w.t.Helper()
	bin, err := lookPath("pulumi", envValue(w.env, "PATH"))
	if err != nil {
		w.t.Fatal(err)
	}
	return bin
}

// Run runs pulumi with args in the project folder and returns its combined output and error.
func (w *Workspace) Run(args ...string) (string, error) {
	w.t.Helper()
	bin, err := lookPath("pulumi", envValue(w.env, "PATH"))
	if err != nil {
		return "", err
	}
	if w.ConfigFile != "" && len(args) > 0 && slices.Contains([]string{"up", "preview", "refresh", "destroy", "config"}, args[0]) &&
		!slices.Contains(args, "--config-file") {
		args = append(append([]string(nil), args...), "--config-file", w.ConfigFile)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = w.Dir
	cmd.Env = w.env
	out, err := CommandCombinedOutput(cmd)
	return string(out), err
}

// GenerateStackSecrets gives the workspace's stack (initialised already) the PKI and the encryption key
// the repository does not commit, as `make up` does: the committed stacks/Pulumi.<stack>.yaml is copied
// into a folder of the test's, `kubeharden pki init` and `kubeharden encryption-key init` write the secrets
// into the copy, and the copy becomes the workspace's ConfigFile. It returns the copy's folder (up.sh's
// SECRETS_DIR).
func (w *Workspace) GenerateStackSecrets(stackName string) string {
	w.t.Helper()
	data, err := os.ReadFile(filepath.Join(w.Dir, "stacks", "Pulumi."+stackName+".yaml"))
	if err != nil {
		w.t.Fatal(err)
	}
	dir := w.t.TempDir()
	file := filepath.Join(dir, "Pulumi."+stackName+".yaml")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		w.t.Fatal(err)
	}
	kubeharden := BuildCLI(w.t)
	for _, args := range [][]string{{"pki", "init"}, {"encryption-key", "init"}} {
		cmd := exec.Command(kubeharden, append(args, "--stack", stackName, "--config-file", file)...)
		cmd.Dir, cmd.Env = w.Dir, w.Env()
		if out, err := CommandCombinedOutput(cmd); err != nil {
			w.t.Fatalf("kubeharden %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	w.ConfigFile = file
	return dir
}

// MustRun runs pulumi with args and fails the test, printing the output, when it fails.
func (w *Workspace) MustRun(args ...string) string {
	w.t.Helper()
	out, err := w.Run(args...)
	if err != nil {
		w.t.Fatalf("pulumi %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func envValue(env []string, key string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

func lookPath(name, path string) (string, error) {
	for _, dir := range filepath.SplitList(path) {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return exec.LookPath(name)
}

// BuildCLI builds the kubeharden command line of the checkout into a temporary folder: kubeharden and,
// beside it, kubeharden-fleet, which `kubeharden fleet` runs.
func BuildCLI(t testing.TB) string { return Build(t, "kubeharden", "kubeharden-fleet") }

// BuildPolicyPack builds the policy pack's executable, as `pulumi preview --policy-pack` takes it.
func BuildPolicyPack(t testing.TB) string { return Build(t, "kubeharden-policy") }

// Build builds the command cmd/<name> of the checkout, and the commands also named beside it, into a
// temporary folder, and returns the path of name.
func Build(t testing.TB, name string, also ...string) string {
	t.Helper()
	dir := t.TempDir()
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	for _, n := range append([]string{name}, also...) {
		args = append(args, "./cmd/"+n)
	}
	build := exec.Command("go", args...)
	build.Dir = RepoRoot(t)
	out, err := build.CombinedOutput()
	if err != nil {
		t.Fatalf("building %s: %v\n%s", name, err, out)
	}
	return filepath.Join(dir, name)
}

// Exec runs cmd and returns its standard output, its standard error and its exit code; a failure to run
// it at all fails the test.
func Exec(t testing.TB, cmd *exec.Cmd) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := RunCommand(cmd)
	var exit *exec.ExitError
	switch {
	case errors.Is(err, ErrCommandTimedOut):
		t.Fatalf("%v\nstdout: %s\nstderr: %s", err, out.String(), errOut.String())
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("running %s: %v", cmd.Path, err)
	}
	return out.String(), errOut.String(), code
}

// Fleet runs `kubeharden fleet args... -o json` (kubeharden is the built command) in env and returns
// the clusters' rows by name, the progress it wrote and its exit code.
func Fleet(t testing.TB, kubeharden string, env []string, args ...string) (map[string]fleet.Row, string, int) {
	t.Helper()
	cmd := exec.Command(kubeharden, append(append([]string{"fleet"}, args...), "-o", "json")...)
	cmd.Env = env
	stdout, stderr, code := Exec(t, cmd)
	var rows []fleet.Row
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("kubeharden fleet %v: %v\nstdout: %s\nstderr: %s", args, err, stdout, stderr)
	}
	out := map[string]fleet.Row{}
	for _, r := range rows {
		out[r.Cluster] = r
	}
	return out, stderr, code
}

// RunScript runs a script of the repository's scripts/ folder with bash in the workspace's environment
// (and extraEnv), and returns its combined output and exit code.
func (w *Workspace) RunScript(name string, extraEnv ...string) (string, int) {
	w.t.Helper()
	cmd := exec.Command("bash", filepath.Join(RepoRoot(w.t), "scripts", name))
	cmd.Dir = w.Dir
	cmd.Env = append(append(w.Env(), extraEnv...), "PULUMI_CWD="+w.Dir)
	out, err := CommandCombinedOutput(cmd)
	var exit *exec.ExitError
	switch {
	case errors.Is(err, ErrCommandTimedOut):
		w.t.Fatalf("scripts/%s: %v\n%s", name, err, out)
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	w.t.Fatalf("running scripts/%s: %v", name, err)
	return "", -1
}

// CheckIdempotentAndRemovable holds a stack that is up to the promises of a hardening toolkit: a preview
// finds nothing to change; a refresh, then a preview, find nothing to change (a render-only stack cannot
// be refreshed, see below: its failed refresh must leave the preview unchanged); and destroy removes every
// object the stack made, leaving renderDir (where the stack renders; empty for one applied to a cluster,
// whose test checks the cluster itself) without a rendered file and the state without a resource. args
// are added to every command (such as --config-file).
func (w *Workspace) CheckIdempotentAndRemovable(stackName, renderDir string, args ...string) {
	w.t.Helper()
	with := func(cmd ...string) []string {
		return append(append(cmd, "--stack", stackName, "--non-interactive"), args...)
	}
	w.MustRun(with("preview", "--expect-no-changes")...)
	if renderDir == "" {
		w.MustRun(with("refresh", "--yes", "--expect-no-changes")...)
		w.MustRun(with("preview", "--expect-no-changes")...)
	} else {
		// The kubernetes provider (v4.32) reads a rendered object back from a cluster, and a render-only
		// stack has none: its refresh fails, naming the unreachable cluster, and changes nothing. Should
		// the provider learn to read the rendered files, this fails and the refresh joins the checks.
		out, err := w.Run(with("refresh", "--yes")...)
		if err == nil || !strings.Contains(out, "failed to read resource state due to unreachable cluster") {
			w.t.Errorf("refresh of a render-only stack: %v\n%.3000s", err, out)
		}
		w.MustRun(with("preview", "--expect-no-changes")...)
	}
	w.MustRun(with("destroy", "--yes")...)
	if renderDir != "" {
		_ = filepath.WalkDir(renderDir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				w.t.Errorf("%s is left after destroy", path)
			}
			return nil
		})
	}
	export := w.MustRun("stack", "export", "--stack", stackName)
	if strings.Contains(export, `"urn"`) {
		w.t.Errorf("resources are left in the state after destroy:\n%.2000s", export)
	}
}

// State is what a test reads of a stack's state (`pulumi stack export`).
type State struct {
	Deployment struct {
		Resources []struct {
			URN  string `json:"urn"`
			Type string `json:"type"`
		} `json:"resources"`
		Pending []json.RawMessage `json:"pending_operations"`
	} `json:"deployment"`
}

// State exports the stack's state and decodes it.
func (w *Workspace) State(stackName string) State {
	w.t.Helper()
	export := w.MustRun("stack", "export", "--stack", stackName)
	var s State
	if err := json.Unmarshal([]byte(export), &s); err != nil {
		w.t.Fatalf("pulumi stack export: %v\n%.2000s", err, export)
	}
	return s
}
