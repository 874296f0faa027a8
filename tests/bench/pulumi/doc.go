// Package pulumibench is the Pulumi side of `make bench` (BenchmarkPulumi, run by tests/bench/bench.sh
// with -bench, never by `go test ./...`), on the real pulumi CLI, language host and kubernetes provider:
//
//   - P0, the floor: `pulumi preview` of tests/bench/floor, which registers exactly the objects a
//     kubeharden preview registers (checked: the same kinds, names and inputs) as plain pulumi-kubernetes
//     resources, each through its kind's SDK constructor, at 10, 100 and 200 tenants; beside it the same
//     objects registered untyped, by type token alone, the engine's own floor;
//   - P1: `pulumi preview` of the kubeharden stack program for the same profiles, and P1/P0, split into
//     what the SDK's typed resources cost over the untyped floor, what the engine spends on kubeharden's
//     resource tree (the floor registering the same component resources, parents, dependencies and
//     aliases) and what is the program's;
//   - P2: P1 at 200 tenants over 100, the peak resident memory of each program at 500 tenants (the
//     program's own process, from its rusage, not the CLI's or the provider's) and a CPU profile of the
//     kubeharden program at 200 tenants, its top functions printed;
//   - P3: on a real kube-apiserver + etcd (tests/cluster), `pulumi up` of the baseline from empty
//     against `kubectl apply --server-side` of the same rendered objects from empty, and a second `pulumi
//     up` with no change against `kubectl diff`; the floor's `pulumi up` of the same objects (with the
//     same dependencies) beside it, which is the engine's and the provider's share.
//
// Both programs are built once and run through the same exec shim (a project whose main starts the
// prebuilt binary), so that P1/P0 compares the programs and not their link times; the language host's
// build of the kubeharden program, which `make preview` pays on every run, is measured on its own.
// Every figure is the median of BENCH_PULUMI_RUNS runs (3 by default), the programs taking turns. The
// previews are timed without the whole-snapshot serialization the engine does after every step even of
// a preview (PULUMI_SKIP_CHECKPOINTS=true, what `make preview` and the CI scripts set) and, at the sizes
// of BENCH_PULUMI_CHECKPOINT_TENANTS, also as pulumi runs by default (at 200 tenants that is minutes a
// preview, all of it the engine's quadratic snapshotting).
//
// Knobs: BENCH_PULUMI_TENANTS (10,100,200), BENCH_PULUMI_CHECKPOINT_TENANTS (10,100),
// BENCH_PULUMI_TREE_TENANTS (100), BENCH_PULUMI_RSS_TENANTS (500), BENCH_PULUMI_PROFILE_TENANTS (200),
// BENCH_PULUMI_APPLY_TENANTS (10); BENCH_PULUMI_PREVIEW=0 leaves out P0 to P2, BENCH_PULUMI_APPLY=0 leaves
// out P3.
package pulumibench
