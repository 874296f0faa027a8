// Package pulumibench is the Pulumi side of `make bench` (BenchmarkPulumi, run by tests/bench/bench.sh
// with -bench, never by `go test ./...`), on the real pulumi CLI, language host and kubernetes provider:
//
//   - P0, the floor: `pulumi preview` of tests/bench/floor, which registers exactly the objects a
//     kubeharden preview registers as plain pulumi-kubernetes resources, at 10, 100 and 200 tenants;
//   - P1: `pulumi preview` of the kubeharden stack program for the same profiles, and P1/P0;
//   - P2: P1 at 200 tenants over 100, the peak resident memory of each program at 500 tenants (the
//     program's own process, from its rusage, not the CLI's or the provider's) and a CPU profile of the
//     kubeharden program at 200 tenants, its top functions printed;
//   - P3: on a real kube-apiserver + etcd (tests/cluster), `pulumi up` of the baseline from empty
//     against `kubectl apply --server-side` of the same rendered objects from empty, and a second `pulumi
//     up` with no change against `kubectl diff`.
//
// Both programs are built once and run through the same exec shim (a project whose main starts the
// prebuilt binary), so that P1/P0 compares the programs and not their link times; the language host's
// build of the kubeharden program, which `make preview` pays on every run, is measured on its own.
// Every figure is the median of BENCH_PULUMI_RUNS runs (3 by default), P0 and P1 taking turns.
package pulumibench
