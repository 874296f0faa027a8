package manifests

import (
	"os"
	"testing"

	"github.com/kubeharden/kubeharden/tests/testenv"
)

// BenchmarkReadTree reads the real release manifests of ../shared/corpus (or KUBEHARDEN_BENCH_DIR) with
// each stage of the fast reader on and off: both (as kubeharden check reads), the head scan only, the
// block reader only, and neither (every document through sigs.k8s.io/yaml and the unstructured
// converter). It reports objects per second beside ns/op and allocations, so one run shows what each
// stage saves (BENCHMARKS.md).
func BenchmarkReadTree(b *testing.B) {
	dir := os.Getenv("KUBEHARDEN_BENCH_DIR")
	if dir == "" {
		dir = testenv.Corpus(b)
	}
	for _, stages := range []struct {
		name              string
		headScan, blockRd bool
	}{
		{"both", true, true}, {"head-scan-only", true, false}, {"block-reader-only", false, true}, {"neither", false, false},
	} {
		b.Run(stages.name, func(b *testing.B) {
			useHeadScan, useBlockReader = stages.headScan, stages.blockRd
			defer func() { useHeadScan, useBlockReader = true, true }()
			b.ReportAllocs()
			var docs int
			for b.Loop() {
				t := ReadTree(dir)
				if len(t.Objects) == 0 {
					b.Fatal("no objects")
				}
				docs = len(t.Objects) + len(t.Configs) + t.Skipped
			}
			b.ReportMetric(float64(docs)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
			b.Logf("%s: %d documents", stages.name, docs)
		})
	}
}
