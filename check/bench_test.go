package check_test

import (
	"io"
	"os"
	"testing"

	. "github.com/kubeharden/kubeharden/check/checktest"

	. "github.com/kubeharden/kubeharden/controls"
)

// BenchmarkCheck checks the folder KUBEHARDEN_BENCH_DIR names (make bench generates one) end to end:
// reading, evaluating and writing the JSON report.
func BenchmarkCheck(b *testing.B) {
	dir := os.Getenv("KUBEHARDEN_BENCH_DIR")
	if dir == "" {
		b.Skip("KUBEHARDEN_BENCH_DIR not set")
	}
	for i := 0; i < b.N; i++ {
		r, err := CheckManifests(DefaultControls(), "1.36.3", dir)
		if err != nil || r.Objects == 0 {
			b.Fatal(err, r.Objects)
		}
		if err := r.WriteJSON(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
