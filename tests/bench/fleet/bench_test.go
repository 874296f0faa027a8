package fleetbench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// BenchmarkFleet prints the fleet preview's wall time by cluster count and parallelism. Run it with
// `make bench`, or `go test -run '^$' -bench Fleet -benchtime 1x -timeout 1h ./tests/bench/fleet`.
func BenchmarkFleet(b *testing.B) {
	ws := pulumitest.NewWorkspace(b)
	kubeharden, pack := pulumitest.BuildCLI(b), pulumitest.BuildPolicyPack(b)
	runs := 3
	if v, err := strconv.Atoi(os.Getenv("BENCH_FLEET_RUNS")); err == nil && v > 0 {
		runs = v
	}
	dir := b.TempDir()
	fleetFile := func(n int) string {
		var sb strings.Builder
		sb.WriteString("apiVersion: kubeharden.io/v1alpha1\nkind: Fleet\nprofile:\n  kubernetesVersion: \"1.36.3\"\n  tenants:\n    - name: team-a\n    - name: team-b\nclusters:\n")
		for i := range n {
			fmt.Fprintf(&sb, "  - name: c%02d\n    renderDir: rendered/c%02d\n", i, i)
		}
		path := filepath.Join(dir, fmt.Sprintf("fleet-%d.yaml", n))
		if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
			b.Fatal(err)
		}
		return path
	}
	// preview is the median wall seconds of `fleet preview` of n clusters at parallel, after one run
	// that is not timed (it creates the stacks and warms the Go build cache).
	preview := func(n, parallel int) float64 {
		file := fleetFile(n)
		var seconds []float64
		for i := 0; i <= runs; i++ {
			cmd := exec.Command(kubeharden, "fleet", "preview", "-f", file, "--project", ws.Dir, "--policy-pack", pack,
				"--parallel", strconv.Itoa(parallel), "-o", "json")
			cmd.Env = ws.Env()
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil {
				b.Fatalf("fleet preview of %d clusters: %v\n%s", n, err, out)
			}
			if i > 0 {
				seconds = append(seconds, time.Since(start).Seconds())
			}
		}
		sort.Float64s(seconds)
		return seconds[len(seconds)/2]
	}
	fmt.Printf("\nfleet: %d cores, %s; `kubeharden fleet preview` of render-only clusters (2 tenants each), median of %d runs\n",
		runtime.NumCPU(), runtime.Version(), runs)
	fmt.Printf("%-9s %14s %14s %10s\n", "clusters", "--parallel 4", "--parallel 1", "speed-up")
	for _, n := range []int{1, 4, 16} {
		four := preview(n, 4)
		one := four
		if n > 1 {
			one = preview(n, 1)
		}
		fmt.Printf("%-9d %13.1fs %13.1fs %9.2fx\n", n, four, one, one/four)
	}
}
