#!/usr/bin/env bash
# make fuzz / make fuzz-brief: runs every fuzz target of the repository (found with go test -list) for
# FUZZTIME each, one after the other; new failing inputs land in the package's testdata/fuzz, where
# `go test` replays them from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-10m}
# Minimizing a new input is bounded: the PKI's seeds are kilobytes of JSON, whose minimization would
# otherwise take the whole run. FUZZPARALLEL workers (default: GOMAXPROCS) run each target.
FUZZMINIMIZETIME=${FUZZMINIMIZETIME:-5s}
parallel=()
if [ -n "${FUZZPARALLEL:-}" ]; then parallel=(-parallel "$FUZZPARALLEL"); fi
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "[fuzz] $pkg $target for $FUZZTIME" >&2
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZETIME" "${parallel[@]}" "$pkg"
  done
done
