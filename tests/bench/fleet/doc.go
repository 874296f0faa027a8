// Package fleetbench is the fleet side of `make bench`: the wall time of `kubeharden fleet preview` of
// 1, 4 and 16 render-only clusters at --parallel 4, against the same clusters one at a time
// (--parallel 1), to show what the concurrency pays. Each figure is the median of BENCH_FLEET_RUNS runs
// (3) after one untimed run; BENCH_FLEET=0 in bench.sh leaves it out.
package fleetbench
