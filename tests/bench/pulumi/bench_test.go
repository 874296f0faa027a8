package pulumibench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
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
	"github.com/kubeharden/kubeharden/tests/rendered"
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
	checkpointed := envInts(b, "BENCH_PULUMI_CHECKPOINT_TENANTS", []int{10, 100})
	big := envInt(b, "BENCH_PULUMI_RSS_TENANTS", 500)

	fmt.Printf("\npulumi side: %d cores, %s, %s, %s, pulumi %s; median of %d runs, the programs taking turns\n",
		runtime.NumCPU(), memTotal(), runtime.Version(), runtime.GOARCH, strings.TrimSpace(ws.MustRun("version")), bn.runs)
	p1, outputs := map[int][2]float64{}, map[int]int{}
	if os.Getenv("BENCH_PULUMI_PREVIEW") == "0" {
		sizes = nil
	}
	if len(sizes) > 0 {
		fmt.Println("P0: the same objects as plain pulumi-kubernetes resources (each kind's SDK constructor, typed arguments);" +
			" untyped: the same objects by type token alone, no SDK resource (the engine's own floor)")
		fmt.Printf("%-8s %9s | %-37s | %-62s\n", "", "", "as pulumi runs by default", "PULUMI_SKIP_CHECKPOINTS=true (make preview)")
		fmt.Printf("%-8s %9s | %8s %14s %7s %4s | %8s %8s %14s %7s %10s\n", "tenants", "resources",
			"P0", "P1 kubeharden", "P1/P0", "", "untyped", "P0", "P1 kubeharden", "P1/P0", "P1/untyped")
	}
	for _, n := range sizes {
		r := bn.previewRow(n, slices.Contains(checkpointed, n))
		p1[n] = r.kubeharden
		target := ""
		if n == 100 {
			target = "(target: P1/P0 <= 1.10)"
		}
		byDefault := fmt.Sprintf("%8s %14s %7s %4s", "-", "-", "-", "")
		if r.floor[0] > 0 {
			byDefault = fmt.Sprintf("%7.1fs %13.1fs %7.2f %4s", r.floor[0], r.kubeharden[0], r.kubeharden[0]/r.floor[0], "")
		}
		fmt.Printf("%-8d %9d | %s | %7.1fs %7.1fs %13.1fs %7.2f %10.2f %s\n", n, r.resources, byDefault,
			r.untyped, r.floor[1], r.kubeharden[1], r.kubeharden[1]/r.floor[1], r.kubeharden[1]/r.untyped, target)
		outputs[n] = r.fieldsAsOutputs
	}
	if len(sizes) > 0 {
		fmt.Printf("P0's fields not written as the SDK's argument types but as resolved outputs (types not in the floor's typedArgs), by tenants: %v\n", outputs)
	}
	if slices.Contains(sizes, 100) && slices.Contains(sizes, 200) {
		byDefault := "not measured (BENCH_PULUMI_CHECKPOINT_TENANTS)"
		if p1[200][0] > 0 && p1[100][0] > 0 {
			byDefault = fmt.Sprintf("%.2f", p1[200][0]/p1[100][0])
		}
		fmt.Printf("P2 growth, P1 at 200 tenants over 100 (target <= 2.1, linear): %.2f without the intermediate snapshots; by default %s\n",
			p1[200][1]/p1[100][1], byDefault)
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

// previewTimes are the median preview seconds of one row: the untyped floor without the intermediate
// snapshots, and P0 and P1 as pulumi runs by default ([0], 0 where not measured) and without them ([1]).
type previewTimes struct {
	untyped           float64
	floor, kubeharden [2]float64
	resources         int
	// fieldsAsOutputs is P0's count of fields not written as the SDK's argument types.
	fieldsAsOutputs int
}

// previewRow measures a row at n tenants, with the default mode only when checkpointed (at 200 tenants
// it is minutes a preview, the engine's quadratic snapshotting): it previews the kubeharden stack once to
// learn what it registers, writes the floors' objects from that preview, checks that each floor previews
// exactly those objects, then times the previews in turn.
func (bn *bench) previewRow(n int, checkpointed bool) previewTimes {
	bn.b.Helper()
	render := filepath.Join(bn.b.TempDir(), "rendered")
	kh := bn.newStack(bn.kubeharden, profileSettings(bn.b, "dev", n, "kubeharden:renderDir", render))
	objects := floorOf(bn.b, bn.run(kh, []string{skipCheckpoints}, "preview", "--json"), flat)
	objects.Provider.RenderYamlToDirectory = render
	untyped := bn.floorStack(objects)
	objects.Typed = true
	fl := bn.floorStack(objects)

	var r previewTimes
	var unRuns []float64
	var flRuns, khRuns [2][]float64
	for range bn.runs {
		for mode, env := range [][]string{nil, {skipCheckpoints}} {
			if mode == 0 && !checkpointed {
				continue
			}
			if mode == 1 {
				unRuns = append(unRuns, bn.timed(untyped, env...))
			}
			flRuns[mode] = append(flRuns[mode], bn.timed(fl, env...))
			khRuns[mode] = append(khRuns[mode], bn.timed(kh, env...))
		}
	}
	r.untyped = median(unRuns)
	for mode := range flRuns {
		if len(flRuns[mode]) > 0 {
			r.floor[mode], r.kubeharden[mode] = median(flRuns[mode]), median(khRuns[mode])
		}
	}
	r.resources, r.fieldsAsOutputs = len(objects.Objects), fl.fieldsAsOutputs
	return r
}

// floorStack is a stack of the floor program that registers f, checked to preview exactly f's objects:
// the same kinds, names and inputs.
func (bn *bench) floorStack(f floorfile.Floor, env ...string) benchStack {
	bn.b.Helper()
	file := filepath.Join(bn.b.TempDir(), "objects.json")
	writeJSON(bn.b, file, f)
	s := bn.newStack(bn.floor, "config: {}\n", append(env, floorfile.ObjectsEnv+"="+file)...)
	out := bn.run(s, []string{skipCheckpoints}, "preview", "--json")
	sameObjects(bn.b, f, floorOf(bn.b, out, flat))
	if f.Typed {
		s.fieldsAsOutputs = fieldsAsOutputs(bn.b, out)
	}
	return s
}

// fieldsAsOutputs is the count a typed floor logged in its preview (floorfile.FieldsAsOutputsLog).
func fieldsAsOutputs(b *testing.B, out string) int {
	b.Helper()
	var p struct {
		Diagnostics []struct {
			Message string `json:"message"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		b.Fatal(err)
	}
	for _, d := range p.Diagnostics {
		if n, ok := strings.CutPrefix(strings.TrimSpace(d.Message), floorfile.FieldsAsOutputsLog); ok {
			v, err := strconv.Atoi(n)
			if err != nil {
				b.Fatalf("%q: %v", d.Message, err)
			}
			return v
		}
	}
	b.Fatalf("the typed floor's preview does not say how many fields it gave as outputs:\n%.2000s", out)
	return 0
}

// sameObjects fails unless got holds the kubernetes objects of want, each with the same inputs.
func sameObjects(b *testing.B, want, got floorfile.Floor) {
	b.Helper()
	key := func(o floorfile.Object) string { return o.Type + " " + o.Name }
	byKey := map[string]floorfile.Object{}
	for _, o := range got.Objects {
		if o.Inputs != nil {
			byKey[key(o)] = o
		}
	}
	n := 0
	for _, o := range want.Objects {
		if o.Component {
			continue
		}
		n++
		g, ok := byKey[key(o)]
		if !ok {
			b.Fatalf("the floor does not register %s", key(o))
		}
		if !reflect.DeepEqual(o.Inputs, g.Inputs) {
			w, _ := json.Marshal(o.Inputs)
			h, _ := json.Marshal(g.Inputs)
			b.Fatalf("the floor registers %s with other inputs:\nkubeharden: %.1000s\nfloor:      %.1000s", key(o), w, h)
		}
	}
	if n != len(byKey) {
		b.Fatalf("the floor previews %d kubernetes objects, kubeharden %d", len(byKey), n)
	}
}

// treeCost splits P1 - P0 at n tenants (without the intermediate snapshots), adding one thing at a time
// to the floor, with no program behind it: from the untyped floor to P0 (the pulumi-kubernetes SDK's
// typed resources), then kubeharden's resource graph (its component resources, every object's parent and
// dependencies, such as each namespaced object's on its Namespace), then the alias each child carries;
// what is left between that and P1 is kubeharden's program.
func (bn *bench) treeCost(n int) {
	bn.b.Helper()
	render := filepath.Join(bn.b.TempDir(), "rendered")
	kh := bn.newStack(bn.kubeharden, profileSettings(bn.b, "dev", n, "kubeharden:renderDir", render))
	out := bn.run(kh, []string{skipCheckpoints}, "preview", "--json")
	floors := []floorfile.Floor{floorOf(bn.b, out, flat), floorOf(bn.b, out, flat), floorOf(bn.b, out, tree), floorOf(bn.b, out, tree)}
	for i := range floors {
		floors[i].Typed = i > 0
		floors[i].Provider.RenderYamlToDirectory = render
	}
	for i := range floors[3].Objects {
		floors[3].Objects[i].AliasNoParent = floors[3].Objects[i].Parent != ""
	}
	stacks := []benchStack{}
	for _, f := range floors {
		stacks = append(stacks, bn.floorStack(f))
	}
	stacks = append(stacks, kh)
	runs := make([][]float64, len(stacks))
	for range bn.runs {
		for i, s := range stacks {
			runs[i] = append(runs[i], bn.timed(s, skipCheckpoints))
		}
	}
	t := make([]float64, len(runs))
	for i := range runs {
		t[i] = median(runs[i])
	}
	fmt.Printf("P1 - P0 at %d tenants, split (each over the one before): untyped floor %.2fs; P0, typed %.2fs (%.2f);"+
		" P0 with kubeharden's %d components, parents and dependencies %.2fs (%.2f); the same with its children's aliases %.2fs (%.2f);"+
		" kubeharden %.2fs (%.2f)\n",
		n, t[0], t[1], t[1]/t[0], len(floors[2].Objects)-len(floors[1].Objects), t[2], t[2]/t[1], t[3], t[3]/t[2], t[4], t[4]/t[3])
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
	floor := floorOf(bn.b, bn.run(kh, []string{skipCheckpoints}, "preview", "--json"), flat)
	khSeconds := time.Since(start).Seconds()
	khKB := readInt(bn.b, rss)
	floor.Provider.RenderYamlToDirectory, floor.Typed = render, true
	fl := bn.floorStack(floor, rssFileEnv+"="+rss)
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
	// The floor of P3: P0's plain pulumi-kubernetes resources, each waiting on what kubeharden's waits on
	// (its Namespace, its role), applied by the same provider to the same API server.
	floor := floorOf(bn.b, bn.run(live, []string{skipCheckpoints}, "preview", "--json"), ordered)
	kubeconfigContent, err := os.ReadFile(kubeconfig)
	if err != nil {
		bn.b.Fatal(err)
	}
	floor.Provider.Kubeconfig, floor.Typed = string(kubeconfigContent), true
	fl := bn.floorStack(floor)
	if len(floor.Objects) != count {
		bn.b.Fatalf("the floor applies %d objects, kubectl %d", len(floor.Objects), count)
	}

	kc := func(args ...string) (float64, string, error) {
		cmd := exec.Command(kubectl, append([]string{"--kubeconfig", kubeconfig}, args...)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		return time.Since(start).Seconds(), out.String(), err
	}
	// up times `pulumi up` of s from empty and, with again, a second one that must change nothing; then it
	// empties the cluster again (untimed).
	up := func(s benchStack, env []string, again bool, flags ...string) (first, second float64) {
		start := time.Now()
		bn.run(s, env, append([]string{"up", "--yes", "--skip-preview"}, flags...)...)
		first = time.Since(start).Seconds()
		if again {
			start = time.Now()
			bn.run(s, env, "up", "--yes", "--skip-preview", "--expect-no-changes")
			second = time.Since(start).Seconds()
		}
		bn.run(s, env, "destroy", "--yes", "--skip-preview")
		return first, second
	}
	// parallel is a --parallel well above pulumi's default, which a user may set for up against a cluster.
	const parallel = 32
	var kApply, kDiff, pUp, pUp2, pUpSkip, pUpParallel, fUp, fUp2, fUpSkip []float64
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
		if _, out, err := kc("delete", "--wait", "--ignore-not-found", "-f", manifest); err != nil {
			bn.b.Fatalf("kubectl delete: %v\n%s", err, out)
		}

		first, second := up(live, nil, true)
		pUp, pUp2 = append(pUp, first), append(pUp2, second)
		first, second = up(fl, nil, true)
		fUp, fUp2 = append(fUp, first), append(fUp2, second)
		first, _ = up(live, []string{skipCheckpoints}, false)
		pUpSkip = append(pUpSkip, first)
		first, _ = up(fl, []string{skipCheckpoints}, false)
		fUpSkip = append(fUpSkip, first)
		first, _ = up(live, nil, false, "--parallel", strconv.Itoa(parallel))
		pUpParallel = append(pUpParallel, first)
	}
	k, d := median(kApply), median(kDiff)
	fmt.Printf("P3 apply on a real kube-apiserver + etcd, %d tenants, %d objects (kubectl apply --server-side %.1fs, kubectl diff --server-side %.1fs):\n",
		n, count, k, d)
	fmt.Printf("  %-58s %12s %12s %14s\n", "", "kubeharden", "P0 floor", "kubeharden/P0")
	row := func(label string, kh, fl, against float64, target string) {
		fmt.Printf("  %-58s %6.1fs %4.2fx %6.1fs %4.2fx %14.2f %s\n", label, kh, kh/against, fl, fl/against, kh/fl, target)
	}
	row("pulumi up from empty, over kubectl apply", median(pUp), median(fUp), k, "(target <= 3 over kubectl)")
	row("the same, PULUMI_SKIP_CHECKPOINTS=true (unsafe for up)", median(pUpSkip), median(fUpSkip), k, "")
	row("pulumi up with no change, over kubectl diff", median(pUp2), median(fUp2), d, "")
	fmt.Printf("  %-58s %6.1fs %4.2fx   (pulumi's default: 4 a core)\n", fmt.Sprintf("pulumi up from empty, --parallel %d", parallel),
		median(pUpParallel), median(pUpParallel)/k)
}

// benchStack is a stack of one of the projects, with the settings file and environment its commands get.
type benchStack struct {
	project, name, settings string
	env                     []string
	// fieldsAsOutputs, of a typed floor: the fields it could not write as the SDK's argument types.
	fieldsAsOutputs int
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

// floorShape is how much of kubeharden's resource graph a floor registers besides its objects.
type floorShape int

const (
	// flat: the objects alone, in the order the preview registered them.
	flat floorShape = iota
	// ordered: the objects and the dependencies between them (each namespaced object waits on its
	// Namespace, a binding on its role), as a plain program that applies to a cluster must have them.
	ordered
	// tree: also kubeharden's component resources and every object's parent.
	tree
)

// floorOf is the floor of a preview: every kubernetes object it creates, with its type, name and inputs,
// and as much of kubeharden's resource graph as shape asks for, in the order the preview registered them.
func floorOf(b *testing.B, out string, shape floorShape) floorfile.Floor {
	b.Helper()
	var p preview
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		b.Fatalf("pulumi preview --json: %v\n%.2000s", err, out)
	}
	f := floorfile.Floor{Provider: floorfile.Provider{Name: "floor"}}
	objects := map[string]bool{}
	for _, s := range p.Steps {
		kubernetes := s.NewState.Custom && strings.HasPrefix(s.NewState.Type, "kubernetes:")
		component := shape == tree && !s.NewState.Custom && s.NewState.Type != "pulumi:pulumi:Stack"
		if s.Op != "create" || !kubernetes && !component {
			continue
		}
		o := floorfile.Object{Type: s.NewState.Type, Name: s.URN[strings.LastIndex(s.URN, "::")+2:]}
		if kubernetes {
			o.Inputs = s.NewState.Inputs
		}
		switch shape {
		case tree:
			o.URN, o.Parent, o.DependsOn, o.Component = s.URN, s.NewState.Parent, s.NewState.Dependencies, component
		case ordered:
			o.URN = s.URN
			for _, d := range s.NewState.Dependencies {
				if !objects[d] {
					b.Fatalf("%s depends on %s, which is not a kubernetes object registered before it", s.URN, d)
				}
				o.DependsOn = append(o.DependsOn, d)
			}
			objects[s.URN] = true
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
	objs, err := rendered.LoadDir(dir)
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
