#!/usr/bin/env bash
# make bench: 10,000 generated objects, checked by `kubeharden check` and by kube-score v1.20 (built from
# the Go module proxy into the tools cache), each timed over the same files (the median of BENCH_RUNS runs,
# 5 by default); prints objects per second, the ratio and each one's peak memory. Figures, not a
# pass/fail test.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${BENCH_OBJECTS:-10000}
TOOLS_DIR=${KUBEHARDEN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeharden/tools}
KUBE_SCORE="$TOOLS_DIR/kube-score-v1.20.0/bin/kube-score"
if [ ! -x "$KUBE_SCORE" ]; then
  echo "[bench] building kube-score v1.20.0 from the Go module proxy" >&2
  GOBIN="$(dirname "$KUBE_SCORE")" go install github.com/zegl/kube-score/cmd/kube-score@v1.20.0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go run ./tests/bench/generate -n "$N" -dir "$work/manifests"
go build -o "$work/kubeharden" ./cmd/kubeharden

# measure NAME CMD...: the median wall seconds (from bash's microsecond clock, read without starting a
# process, around each run) and the largest peak RSS (MB, from GNU time) of RUNS runs.
RUNS=${BENCH_RUNS:-5}
measure() {
  local name=$1; shift
  : >"$work/$name.runs"
  for _ in $(seq "$RUNS"); do
    local start=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>&1 || true
    local end=$EPOCHREALTIME
    echo "$start $end $(tail -n 1 "$work/$name.time")" >>"$work/$name.runs"
  done
  awk '{ print $2 - $1, $3 }' "$work/$name.runs" | sort -n |
    awk -v n="$RUNS" '{ s[NR] = $1; if ($2 > m) m = $2 } END { print s[int((n + 1) / 2)], int(m / 1024) }'
}
read -r kh_s kh_mb < <(measure kubeharden "$work/kubeharden" check -o json "$work/manifests")
read -r ks_s ks_mb < <(measure kube-score "$KUBE_SCORE" score --output-format ci "$work"/manifests/*.yaml)
grep -q '"objects":'"$N" "$work/kubeharden.out" || { echo "kubeharden did not check all $N objects:"; head -c 2000 "$work/kubeharden.out"; exit 1; }

awk -v n="$N" -v a="$kh_s" -v b="$ks_s" -v am="$kh_mb" -v bm="$ks_mb" 'BEGIN {
  ra = n / (a > 0 ? a : 0.001); rb = n / (b > 0 ? b : 0.001)
  printf "objects:                 %d  (median of '"$RUNS"' runs each)\n", n
  printf "kubeharden check:        %8.3f s  %10.0f objects/s  peak %5d MB\n", a, ra, am
  printf "kube-score v1.20.0:      %8.3f s  %10.0f objects/s  peak %5d MB\n", b, rb, bm
  printf "ratio (kubeharden/kube-score objects per second): %.1fx  (target: at least 10x, under 300 MB)\n", ra / rb
}'
