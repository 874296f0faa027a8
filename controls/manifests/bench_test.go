package manifests

import (
	"os"
	"testing"
)

func BenchmarkReadTree(b *testing.B) {
	dir := os.Getenv("KUBEHARDEN_BENCH_DIR")
	if dir == "" {
		b.Skip("KUBEHARDEN_BENCH_DIR not set")
	}
	for i := 0; i < b.N; i++ {
		t := ReadTree(dir)
		if len(t.Objects) == 0 {
			b.Fatal("no objects")
		}
	}
}
