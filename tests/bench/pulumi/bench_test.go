package pulumibench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/controls/manifests"
	"github.com/kubeharden/kubeharden/stack"
	"github.com/kubeharden/kubeharden/tests/bench/floorfile"
	"github.com/kubeharden/kubeharden/tests/cluster"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// rssFileEnv names the file the exec shim writes its program's peak resident memory (kB) to.
const rssFileEnv = "KUBEHARDEN_BENCH_RSS_FILE"

// cpuProfileEnv is tests/bench/profiled's CPUProfileEnv.
const cpuProfileEnv = "KUBEHARDEN_CPUPROFILE"

// bench is one run of BenchmarkPulumi: the workspace, the prebuilt programs and their shim projects.
type bench struct {
	b    *testing.B
	ws   *pulumitest.Workspace
	runs int
	// The projects the language host builds: each only starts its prebuilt program.
	kubeharden, floor, profiled string
	// stacks counts the stacks made, for their names.
	stacks int
}

// BenchmarkPulumi prints P0 to P3 (see the package documentation). Run it with `make bench`, or
// `go test -run '^$' -bench Pulumi -benchtime 1x -timeout 3h ./tests/bench/pulumi`.
func BenchmarkPulumi(b *testing.B) {
	ws := pulumitest.NewWorkspace(b)
	bn := &bench{b: b, ws: ws, runs: envInt(b, "BENCH_PULUMI_RUNS", 3)}
	bn.kubeharden = bn.shimProject("kubeharden", bn.build("./cmd/kubeharden-stack"))
	bn.floor = bn.shimProject("floor", bn.build("./tests/bench/floor"))
	bn.profiled = bn.shimProject("kubeharden", bn.build("./tests/bench/profiled"))
	sizes := envInts(b, "BENCH_PULUMI_TENANTS", []int{10, 100, 200})
	big := envInt(b, "BENCH_PULUMI_RSS_TENANTS", 500)

	fmt.Printf("\npulumi side: %d cores, %s, %s, %s, pulumi %s; median of %d runs, P0 and P1 taking turns\n",
		runtime.NumCPU(), memTotal(), runtime.Version(), runtime.GOARCH, strings.TrimSpace(ws.MustRun("version")), bn.runs)
	fmt.Printf("%-8s %9s | %-36s | %-36s\n", "", "", "as pulumi runs by default", "PULUMI_SKIP_CHECKPOINTS=true (make preview)")
	fmt.Printf("%-8s %9s | %10s %12s %7s %4s | %10s %12s %7s %4s\n", "tenants", "resources",
		"P0 floor", "P1 kubeharden", "P1/P0", "", "P0 floor", "P1 kubeharden", "P1/P0", "")
	p1 := map[int][2]float64{}
	if os.Getenv("BENCH_PULUMI_PREVIEW") == "0" {
		sizes = nil
	}
	for _, n := range sizes {
		fl, kh, resources := bn.previewPair(n)
		p1[n] = [2]float64{kh[0], kh[1]}
		target := ""
		if n == 100 {
			target = "<= 1.10"
		}
		fmt.Printf("%-8d %9d | %9.1fs %12.1fs %7.2f %4s | %9.1fs %12.1fs %7.2f %s\n", n, resources,
			fl[0], kh[0], kh[0]/fl[0], "", fl[1], kh[1], kh[1]/fl[1], target)
	}
	if slices.Contains(sizes, 100) && slices.Contains(sizes, 200) {
		fmt.Printf("P2 growth, P1 at 200 tenants over 100 (target <= 2.1, linear): %.2f by default, %.2f without the intermediate snapshots\n",
			p1[200][0]/p1[100][0], p1[200][1]/p1[100][1])
	}
	if len(sizes) > 0 {
		bn.treeCost(envInt(b, "BENCH_PULUMI_TREE_TENANTS", 100))
		bn.buildCost(sizes[0])
		bn.memory(big)
		bn.cpuProfile(envInt(b, "BENCH_PULUMI_PROFILE_TENANTS", 200))
	}
	if os.Getenv("BENCH_PULUMI_APPLY") != "0" {
		bn.apply(envInt(b, "BENCH_PULUMI_APPLY_TENANTS", 10))
	}
}

// skipCheckpoints leaves out the snapshot pulumi serializes after every step, which a preview discards.
const skipCheckpoints = "PULUMI_SKIP_CHECKPOINTS=true"

// previewPair measures P0 and P1 at n tenants, each as pulumi runs by default ([0]) and with
// skipCheckpoints ([1]): it previews the kubeharden stack once to learn what it registers, writes the
// floor's objects from that preview, then times the previews in turn.
func (bn *bench) previewPair(n int) (floorSeconds, kubehardenSeconds [2]float64, resources int) {
	bn.b.Helper()
	render := filepath.Join(bn.b.TempDir(), "rendered")
	kh := bn.newStack(bn.kubeharden, profileSettings(bn.b, "dev", n, "kubeharden:renderDir", render))
	out := bn.run(kh, []string{skipCheckpoints}, "preview", "--json")
	floor := floorOf(bn.b, out, false)
	floor.Provider.RenderYamlToDirectory = render
	objects := filepath.Join(bn.b.TempDir(), "objects.json")
	writeJSON(bn.b, objects, floor)
	fl := bn.newStack(bn.floor, "config: {}\n", floorfile.ObjectsEnv+"="+objects)
	if got := len(floorOf(bn.b, bn.run(fl, []string{skipCheckpoints}, "preview", "--json"), false).Objects); got != len(floor.Objects) {
		bn.b.Fatalf("the floor previews %d kubernetes objects, kubeharden %d", got, len(floor.Objects))
	}
	var flRuns, khRuns [2][]float64
	for range bn.runs {
		for mode, env := range [][]string{nil, {skipCheckpoints}} {
			flRuns[mode] = append(flRuns[mode], bn.timed(fl, env...))
			khRuns[mode] = append(khRuns[mode], bn.timed(kh, env...))
		}
	}
	for mode := range flRuns {
		floorSeconds[mode], kubehardenSeconds[mode] = median(flRuns[mode]), median(khRuns[mode])
	}
	return floorSeconds, kubehardenSeconds, len(floor.Objects)
}

// treeCost splits P1 - P0 at n tenants (without the intermediate snapshots) into what the engine spends
// on kubeharden's resource graph (its component resources, parents and dependencies, such as every
// namespaced object's on its Namespace, registered by the floor with no program behind them) and what is
// left: the program's own cost.
func (bn *bench) treeCost(n int) {
	bn.b.Helper()
	render := filepath.Join(bn.b.TempDir(), "rendered")
	kh := bn.newStack(bn.kubeharden, profileSettings(bn.b, "dev", n, "kubeharden:renderDir", render))
	out := bn.run(kh, []string{skipCheckpoints}, "preview", "--json")
	flat, tree, aliased := floorOf(bn.b, out, false), floorOf(bn.b, out, true), floorOf(bn.b, out, true)
	for i := range aliased.Objects {
		aliased.Objects[i].AliasNoParent = aliased.Objects[i].Parent != ""
	}
	flatFile, treeFile, aliasedFile := filepath.Join(bn.b.TempDir(), "flat.json"), filepath.Join(bn.b.TempDir(), "tree.json"),
		filepath.Join(bn.b.TempDir(), "aliased.json")
	for file, f := range map[string]*floorfile.Floor{flatFile: &flat, treeFile: &tree, aliasedFile: &aliased} {
		f.Provider.RenderYamlToDirectory = render
		writeJSON(bn.b, file, f)
	}
	fl := bn.newStack(bn.floor, "config: {}\n", floorfile.ObjectsEnv+"="+flatFile)
	tr := bn.newStack(bn.floor, "config: {}\n", floorfile.ObjectsEnv+"="+treeFile)
	al := bn.newStack(bn.floor, "config: {}\n", floorfile.ObjectsEnv+"="+aliasedFile)
	if got := len(floorOf(bn.b, bn.run(tr, []string{skipCheckpoints}, "preview", "--json"), true).Objects); got != len(tree.Objects) {
		bn.b.Fatalf("the floor with the tree previews %d resources, kubeharden %d", got, len(tree.Objects))
	}
	var flRuns, trRuns, alRuns, khRuns []float64
	for range bn.runs {
		flRuns = append(flRuns, bn.timed(fl, skipCheckpoints))
		trRuns = append(trRuns, bn.timed(tr, skipCheckpoints))
		alRuns = append(alRuns, bn.timed(al, skipCheckpoints))
		khRuns = append(khRuns, bn.timed(kh, skipCheckpoints))
	}
	f, t, a, k := median(flRuns), median(trRuns), median(alRuns), median(khRuns)
	fmt.Printf("P1 - P0 at %d tenants, split: floor %.2fs; floor with kubeharden's %d components, parents and dependencies %.2fs (%.2f); the same with its children's aliases %.2fs (%.2f); kubeharden %.2fs (%.2f over that)\n",
		n, f, len(tree.Objects)-len(flat.Objects), t, t/f, a, a/f, k, k/a)
}

// buildCost prints what the language host's build of the kubeharden program adds to a preview, as
// `make preview` runs it (the repository's own project, built by the host on every run).
func (bn *bench) buildCost(n int) {
	bn.b.Helper()
	render := filepath.Join(bn.b.TempDir(), "rendered")
	prebuilt := bn.newStack(bn.kubeharden, profileSettings(bn.b, "dev", n, "kubeharden:renderDir", render))
	hostBuilt := bn.newStack(bn.ws.Dir, profileSettings(bn.b, "dev", n, "kubeharden:renderDir", render))
	bn.mustPreview(hostBuilt) // the first build of the program is not what a user waits for each time
	var pre, host []float64
	for range bn.runs {
		pre = append(pre, bn.timed(prebuilt, skipCheckpoints))
		host = append(host, bn.timed(hostBuilt, skipCheckpoints))
	}
	fmt.Printf("the language host's build of the program (warm Go cache), at %d tenants: preview %.1fs as make preview runs it, %.1fs prebuilt: %.1fs a run\n",
		n, median(host), median(pre), median(host)-median(pre))
}

// memory prints the peak resident memory of each program's own process at n tenants (the previews
// without the engine's intermediate snapshots, which cost the CLI, not the program).
func (bn *bench) memory(n int) {
	bn.b.Helper()
	render := filepath.Join(bn.b.TempDir(), "rendered")
	rss := filepath.Join(bn.b.TempDir(), "rss")
	kh := bn.newStack(bn.kubeharden, profileSettings(bn.b, "dev", n, "kubeharden:renderDir", render), rssFileEnv+"="+rss)
	start := time.Now()
	floor := floorOf(bn.b, bn.run(kh, []string{skipCheckpoints}, "preview", "--json"), false)
	khSeconds := time.Since(start).Seconds()
	khKB := readInt(bn.b, rss)
	floor.Provider.RenderYamlToDirectory = render
	objects := filepath.Join(bn.b.TempDir(), "objects.json")
	writeJSON(bn.b, objects, floor)
	fl := bn.newStack(bn.floor, "config: {}\n", floorfile.ObjectsEnv+"="+objects, rssFileEnv+"="+rss)
	flSeconds := bn.timed(fl, skipCheckpoints)
	flKB := readInt(bn.b, rss)
	fmt.Printf("P2 memory at %d tenants (%d resources), the program's own peak RSS: kubeharden %d MB (target <= 300 MB), floor %d MB; one preview each: %.1fs, %.1fs\n",
		n, len(floor.Objects), khKB/1024, flKB/1024, khSeconds, flSeconds)
}

// cpuProfile previews n tenants with the profiled kubeharden program and prints its top functions.
func (bn *bench) cpuProfile(n int) {
	bn.b.Helper()
	profile := filepath.Join(bn.b.TempDir(), "cpu.pprof")
	s := bn.newStack(bn.profiled, profileSettings(bn.b, "dev", n, "kubeharden:renderDir", filepath.Join(bn.b.TempDir(), "rendered")),
		cpuProfileEnv+"="+profile)
	bn.run(s, []string{skipCheckpoints}, "preview")
	top, err := exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount=25", profile).CombinedOutput()
	if err != nil {
		bn.b.Fatalf("go tool pprof: %v\n%s", err, top)
	}
	fmt.Printf("P2 CPU profile of the kubeharden program at %d tenants (%s):\n%s", n, profile, indent(string(top)))
}

// apply measures P3 on a real kube-apiserver + etcd: each run applies from empty with kubectl and then
// with pulumi, emptying the cluster again (untimed) after each.
func (bn *bench) apply(n int) {
	bn.b.Helper()
	kubectl := filepath.Join(pulumitest.ToolsBin(), "kubectl")
	if _, err := os.Stat(kubectl); err != nil {
		bn.b.Fatalf("%s: build it with `tests/toolchain/tools.sh kubectl` (make bench does)", kubectl)
	}
	c := cluster.Start(bn.b, nil)
	kubeconfig := c.Paths.AdminKubeconfig()

	// The objects kubectl applies: the same profile rendered by kubeharden, in one file in the order a
	// user would apply them (Namespaces and CRDs first).
	render := filepath.Join(bn.b.TempDir(), "rendered")
	rendered := bn.newStack(bn.kubeharden, profileSettings(bn.b, "cluster", n, "kubeharden:renderDir", render))
	bn.mustRun(rendered, "up", "--yes", "--skip-preview")
	manifest := filepath.Join(bn.b.TempDir(), "all.yaml")
	count := writeInstallOrder(bn.b, render, manifest)

	live := bn.newStack(bn.kubeharden, profileSettings(bn.b, "cluster", n), stack.KubeconfigEnv+"="+kubeconfig)
	kc := func(args ...string) (float64, string, error) {
		cmd := exec.Command(kubectl, append([]string{"--kubeconfig", kubeconfig}, args...)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		return time.Since(start).Seconds(), out.String(), err
	}
	var kApply, kDiff, pUp, pUp2, pUpSkip []float64
	for range bn.runs {
		s, out, err := kc("apply", "--server-side", "-f", manifest)
		if err != nil {
			bn.b.Fatalf("kubectl apply --server-side: %v\n%s", err, out)
		}
		kApply = append(kApply, s)
		s, out, err = kc("diff", "--server-side", "-f", manifest)
		if err != nil {
			bn.b.Fatalf("kubectl diff right after kubectl apply finds a difference or fails: %v\n%s", err, out)
		}
		kDiff = append(kDiff, s)
		if _, out, err := kc("delete", "--wait", "-f", manifest); err != nil {
			bn.b.Fatalf("kubectl delete: %v\n%s", err, out)
		}

		start := time.Now()
		bn.mustRun(live, "up", "--yes", "--skip-preview")
		pUp = append(pUp, time.Since(start).Seconds())
		start = time.Now()
		out = bn.mustRun(live, "up", "--yes", "--skip-preview", "--expect-no-changes")
		pUp2 = append(pUp2, time.Since(start).Seconds())
		bn.mustRun(live, "destroy", "--yes", "--skip-preview")

		start = time.Now()
		bn.run(live, []string{skipCheckpoints}, "up", "--yes", "--skip-preview")
		pUpSkip = append(pUpSkip, time.Since(start).Seconds())
		bn.mustRun(live, "destroy", "--yes", "--skip-preview")
	}
	fmt.Printf("P3 apply on a real kube-apiserver + etcd, %d tenants, %d objects:\n", n, count)
	fmt.Printf("  from empty:   pulumi up %6.1fs   kubectl apply --server-side %6.1fs   ratio %.2f (target <= 3)\n",
		median(pUp), median(kApply), median(pUp)/median(kApply))
	fmt.Printf("  from empty, PULUMI_SKIP_CHECKPOINTS=true (the engine's snapshot after each step left out; unsafe for up): pulumi up %.1fs\n",
		median(pUpSkip))
	fmt.Printf("  no change:    pulumi up %6.1fs   kubectl diff --server-side  %6.1fs   ratio %.2f\n",
		median(pUp2), median(kDiff), median(pUp2)/median(kDiff))
}

// benchStack is a stack of one of the projects, with the settings file and environment its commands get.
type benchStack struct {
	project, name, settings string
	env                     []string
}

func (bn *bench) newStack(project, settings string, env ...string) benchStack {
	bn.b.Helper()
	bn.stacks++
	s := benchStack{project: project, name: fmt.Sprintf("bench-%02d", bn.stacks), env: env}
	s.settings = filepath.Join(bn.b.TempDir(), "Pulumi."+s.name+".yaml")
	if err := os.WriteFile(s.settings, []byte(settings), 0o600); err != nil {
		bn.b.Fatal(err)
	}
	// stack init writes the passphrase's salt into the project's own settings file of the stack (in the
	// repository's project, stacks/); the bench's stacks keep theirs in s.settings.
	projectSettings := filepath.Join(project, "Pulumi."+s.name+".yaml")
	if project == bn.ws.Dir {
		projectSettings = filepath.Join(project, "stacks", "Pulumi."+s.name+".yaml")
	}
	if _, err := os.Stat(projectSettings); err == nil {
		bn.b.Fatalf("%s is there already", projectSettings)
	}
	bn.b.Cleanup(func() { _ = os.Remove(projectSettings) })
	bn.mustRun(s, "stack", "init", s.name)
	return s
}

// mustRun runs pulumi in the stack's project with the stack, its settings and its environment.
func (bn *bench) mustRun(s benchStack, args ...string) string {
	bn.b.Helper()
	return bn.run(s, nil, args...)
}

// run is mustRun with env added to the stack's environment.
func (bn *bench) run(s benchStack, env []string, args ...string) string {
	bn.b.Helper()
	if args[0] == "stack" {
		args = append(args, "--non-interactive")
	} else {
		args = append(args, "--stack", s.name, "--non-interactive", "--config-file", s.settings)
	}
	cmd := exec.Command(bn.ws.Bin(), args...)
	cmd.Dir, cmd.Env = s.project, append(append(bn.ws.Env(), s.env...), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		bn.b.Fatalf("pulumi %s in %s: %v\n%.4000s\n%.4000s", strings.Join(args, " "), s.project, err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func (bn *bench) mustPreview(s benchStack, args ...string) string {
	bn.b.Helper()
	return bn.mustRun(s, append([]string{"preview"}, args...)...)
}

// timed is the wall time of one preview of the stack, with env added to its environment.
func (bn *bench) timed(s benchStack, env ...string) float64 {
	bn.b.Helper()
	start := time.Now()
	bn.run(s, env, "preview")
	return time.Since(start).Seconds()
}

// build builds a program of the repository once.
func (bn *bench) build(pkg string) string {
	bn.b.Helper()
	out := filepath.Join(bn.b.TempDir(), filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = bn.ws.Dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		bn.b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// shimProject is a project named name whose main runs program (with the same arguments, environment
// and standard streams) and, when rssFileEnv is set, writes the program's peak resident memory there.
func (bn *bench) shimProject(name, program string) string {
	bn.b.Helper()
	dir := bn.b.TempDir()
	main := `package main

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

func main() {
	cmd := exec.Command(` + strconv.Quote(program) + `, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if f := os.Getenv(` + strconv.Quote(rssFileEnv) + `); f != "" && cmd.ProcessState != nil {
		kb := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
		_ = os.WriteFile(f, []byte(strconv.FormatInt(kb, 10)), 0o600)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		panic(err)
	}
}
`
	for file, content := range map[string]string{
		"Pulumi.yaml": "name: " + name + "\nruntime: go\n",
		"go.mod":      "module " + name + "-shim\n\ngo 1.22\n",
		"main.go":     main,
	} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o600); err != nil {
			bn.b.Fatal(err)
		}
	}
	return dir
}

// profileSettings is a committed stack's settings (stacks/Pulumi.<base>.yaml) with n tenants, in the two
// shapes that stack's tenants have, and the given kubeharden settings (key, value pairs) instead of its
// renderDir.
func profileSettings(b *testing.B, base string, n int, settings ...string) string {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(pulumitest.RepoRoot(b), "stacks", "Pulumi."+base+".yaml"))
	if err != nil {
		b.Fatal(err)
	}
	var file map[string]any
	if err := yaml.Unmarshal(data, &file); err != nil {
		b.Fatal(err)
	}
	cfg := file["config"].(map[string]any)
	delete(cfg, "kubeharden:renderDir")
	for i := 0; i+1 < len(settings); i += 2 {
		cfg[settings[i]] = settings[i+1]
	}
	profile := cfg["kubeharden:profile"].(map[string]any)
	shapes := profile["tenants"].([]any)
	tenants := make([]any, n)
	for i := range tenants {
		t := map[string]any{}
		for k, v := range shapes[i%len(shapes)].(map[string]any) {
			t[k] = v
		}
		t["name"] = fmt.Sprintf("team-%03d", i)
		tenants[i] = t
	}
	profile["tenants"] = tenants
	out, err := yaml.Marshal(file)
	if err != nil {
		b.Fatal(err)
	}
	return string(out)
}

// preview is what `pulumi preview --json` prints that the bench reads.
type preview struct {
	Steps []struct {
		Op       string `json:"op"`
		URN      string `json:"urn"`
		NewState struct {
			Type   string `json:"type"`
			Custom bool   `json:"custom"`
			Parent string `json:"parent"`
			// Dependencies are the URNs the resource's inputs and dependsOn waited on.
			Dependencies []string       `json:"dependencies"`
			Inputs       map[string]any `json:"inputs"`
		} `json:"newState"`
	} `json:"steps"`
}

// floorOf is the floor of a preview: every kubernetes object it creates, with its type, name and inputs,
// and, withTree, kubeharden's resource graph too: its component resources, each object's parent and what
// it depends on, in the order the preview registered them.
func floorOf(b *testing.B, out string, withTree bool) floorfile.Floor {
	b.Helper()
	var p preview
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		b.Fatalf("pulumi preview --json: %v\n%.2000s", err, out)
	}
	f := floorfile.Floor{Provider: floorfile.Provider{Name: "floor"}}
	for _, s := range p.Steps {
		kubernetes := s.NewState.Custom && strings.HasPrefix(s.NewState.Type, "kubernetes:")
		component := withTree && !s.NewState.Custom && s.NewState.Type != "pulumi:pulumi:Stack"
		if s.Op != "create" || !kubernetes && !component {
			continue
		}
		o := floorfile.Object{Type: s.NewState.Type, Name: s.URN[strings.LastIndex(s.URN, "::")+2:]}
		if kubernetes {
			o.Inputs = s.NewState.Inputs
		}
		if withTree {
			o.URN, o.Parent, o.DependsOn, o.Component = s.URN, s.NewState.Parent, s.NewState.Dependencies, component
		}
		f.Objects = append(f.Objects, o)
	}
	if len(f.Objects) == 0 {
		b.Fatalf("pulumi preview --json creates no kubernetes object:\n%.2000s", out)
	}
	return f
}

// writeInstallOrder writes every object rendered under dir (read with manifests.LoadDir, as the
// integration tests read rendered folders) into one multi-document file, the Namespaces first, then the
// CRDs, then the rest, and returns the number of objects.
func writeInstallOrder(b *testing.B, dir, file string) int {
	b.Helper()
	objs, err := manifests.LoadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	if len(objs) == 0 {
		b.Fatalf("nothing rendered into %s", dir)
	}
	rank := func(o manifests.Object) int {
		switch o.GVK.Kind {
		case "Namespace":
			return 0
		case "CustomResourceDefinition":
			return 1
		}
		return 2
	}
	sort.SliceStable(objs, func(i, j int) bool {
		if rank(objs[i]) != rank(objs[j]) {
			return rank(objs[i]) < rank(objs[j])
		}
		return objs[i].Path < objs[j].Path
	})
	var all bytes.Buffer
	for _, o := range objs {
		body, err := os.ReadFile(o.Path)
		if err != nil {
			b.Fatal(err)
		}
		all.WriteString("---\n")
		all.Write(body)
		all.WriteString("\n")
	}
	if err := os.WriteFile(file, all.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	return len(objs)
}

func writeJSON(b *testing.B, path string, v any) {
	b.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
}

func readInt(b *testing.B, path string) int64 {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatalf("the program's peak memory: %v", err)
	}
	v, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func envInt(b *testing.B, name string, def int) int {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: Invalid value: a positive whole number", name, v)
	}
	return n
}

func envInts(b *testing.B, name string, def []int) []int {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("%s=%q: Invalid value: positive whole numbers separated by commas", name, v)
		}
		out = append(out, n)
	}
	return out
}

func memTotal() string {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "memory unknown"
	}
	var kb int64
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ = strconv.ParseInt(f[1], 10, 64)
		}
	}
	return fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}
