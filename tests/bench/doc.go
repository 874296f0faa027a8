// Package bench holds `make bench`: it generates a large set of manifests and measures `kubeharden
// check` against kube-score on the same files (bench.sh), printing objects per second, their ratio and
// peak memory.
package bench
