// Package parallel runs independent pieces of work side by side, on as many goroutines as there are
// processors: reading files, judging workloads and decoding deferred objects, in controls and
// controls/manifests.
package parallel
