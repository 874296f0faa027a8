#!/usr/bin/env bash
# make bench: `kubeharden check` against kube-score v1.20 (built from the Go module proxy into the tools
# cache) on two sets, in one run: the real release manifests of ../shared/corpus (CRD-heavy bundles among
# them) and 10,000 generated objects. Each tool is timed over the same files (the median of BENCH_RUNS runs,
# 5 by default); the table gives wall time, objects per second, peak memory and the ratio. Then the start
# (kubeharden version against kube-score version) and one CRD-heavy bundle (kyverno's install). Figures,
# not a pass/fail test. Then the Pulumi side (tests/bench/pulumi, P0 to P3): previews of the kubeharden program
# against the engine's floor, growth, memory and a CPU profile, and `pulumi up` against kubectl on a real
# API server; BENCH_PULUMI=0 leaves it out, its BENCH_PULUMI_* knobs are in its bench_test.go. Between the
# two, the fleet (tests/bench/fleet): `kubeharden fleet preview` of 1, 4 and 16 clusters; BENCH_FLEET=0
# leaves it out.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${BENCH_OBJECTS:-10000}
RUNS=${BENCH_RUNS:-5}
CORPUS=${KUBEHARDEN_CORPUS:-../shared/corpus}
TOOLS_DIR=${KUBEHARDEN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeharden/tools}
KUBE_SCORE="$TOOLS_DIR/kube-score-v1.20.0/bin/kube-score"
if [ ! -x "$KUBE_SCORE" ]; then
  echo "[bench] building kube-score v1.20.0 from the Go module proxy" >&2
  GOBIN="$(dirname "$KUBE_SCORE")" go install github.com/zegl/kube-score/cmd/kube-score@v1.20.0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go run ./tests/bench/generate -n "$N" -dir "$work/generated"
go build -o "$work/kubeharden" ./cmd/kubeharden

# measure NAME CMD...: the median wall seconds (from bash's microsecond clock, read without starting a
# process, around each run) and the largest peak RSS (MB, from GNU time) of RUNS runs.
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

# objects NAME: how many objects kubeharden read, judged and skipped (its JSON summary), the count both
# tools' objects per second are reckoned on.
objects() {
  local judged skipped
  judged=$(grep -o '"objects":[0-9]*' "$work/$1.out" | tail -n 1 | grep -o '[0-9]*$')
  skipped=$(grep -o '"skipped":[0-9]*' "$work/$1.out" | tail -n 1 | grep -o '[0-9]*$')
  echo $((${judged:-0} + ${skipped:-0}))
}

# row LABEL TARGET FILES...: both tools over the same files, one table row each and the ratio.
row() {
  local label=$1 target=$2; shift 2
  read -r kh_s kh_mb < <(measure "kh-$label" "$work/kubeharden" check -o json "$@")
  read -r ks_s ks_mb < <(measure "ks-$label" "$KUBE_SCORE" score --output-format ci "$@")
  local n; n=$(objects "kh-$label")
  [ -n "$n" ] && [ "$n" -gt 0 ] || { echo "kubeharden read no objects on $label:"; head -c 2000 "$work/kh-$label.out"; exit 1; }
  awk -v l="$label" -v f="$#" -v n="$n" -v a="$kh_s" -v b="$ks_s" -v am="$kh_mb" -v bm="$ks_mb" -v t="$target" 'BEGIN {
    ra = n / (a > 0 ? a : 0.001); rb = n / (b > 0 ? b : 0.001)
    printf "%-10s %5d files %6d objects\n", l, f, n
    printf "  kubeharden check     %8.3f s  %9.0f objects/s  peak %4d MB\n", a, ra, am
    printf "  kube-score v1.20.0   %8.3f s  %9.0f objects/s  peak %4d MB\n", b, rb, bm
    printf "  ratio %.1fx  (target: at least %dx, under 300 MB)\n", ra / rb, t
  }'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(go version | cut -d' ' -f3); median of $RUNS runs each"
if [ -d "$CORPUS" ]; then
  # Every corpus file but one: kube-score stops on linkerd's install_output.yaml (its placeholder resource
  # quantities do not parse), so it would time nothing for the whole set.
  mapfile -t corpus < <(find -L "$CORPUS" -type f \( -name '*.yaml' -o -name '*.yml' \) \
    ! -path '*/linkerd/cli/cmd/testdata/install_output.yaml' | sort)
  row corpus 5 "${corpus[@]}"
else
  echo "corpus     skipped: $CORPUS is absent (set KUBEHARDEN_CORPUS to the shared corpus folder)"
fi
mapfile -t generated < <(find "$work/generated" -type f -name '*.yaml' | sort)
row generated 10 "${generated[@]}"

# The start: the command that prints its version, started START_RUNS times (20 by default); the median
# wall time beside kube-score's. kubeharden links no Pulumi SDK and no component (a test holds that), so
# that its start does not dominate the check of a small bundle. Target: within 2x of kube-score.
start_runs=${START_RUNS:-20}
read -r kh_start _ < <(RUNS=$start_runs measure kh-start "$work/kubeharden" version)
read -r ks_start _ < <(RUNS=$start_runs measure ks-start "$KUBE_SCORE" version)
awk -v a="$kh_start" -v b="$ks_start" -v n="$start_runs" 'BEGIN {
  printf "start      (version, median of %d)\n", n
  printf "  kubeharden version   %8.4f s\n  kube-score version   %8.4f s\n", a, b
  printf "  ratio %.2fx  (target: within 2x of kube-score)\n", a / (b > 0 ? b : 0.0001)
}'

# A CRD-heavy release bundle of the corpus (kyverno's install: its CRDs are most of its 3.5 MB), where
# the start is a large part of a check. Target: at least 5x kube-score's objects per second.
if [ -d "$CORPUS" ]; then
  RUNS=${CRD_RUNS:-11} row crd-bundle 5 "$CORPUS/kyverno/config/install-latest-testing.yaml"
fi

# The fast reader's two stages, each on and off, on the same corpus (controls/manifests BenchmarkReadTree).
if [ -d "$CORPUS" ]; then
  KUBEHARDEN_BENCH_DIR="$CORPUS" go test -run '^$' -bench '^BenchmarkReadTree$' -benchtime 10x ./controls/manifests | grep '^Benchmark'
fi

# audit scan: the real audit log of the e2e technique suite replayed to a million events, every rule on,
# beside encoding/json alone (detections BenchmarkAuditScan).
go test -run '^$' -bench '^BenchmarkAuditScan$' -benchtime 1x ./detections | grep '^Benchmark'

if [ "${BENCH_FLEET:-1}" != 0 ]; then
  go test -run '^$' -bench '^BenchmarkFleet$' -benchtime 1x -timeout 1h ./tests/bench/fleet
fi
if [ "${BENCH_PULUMI:-1}" != 0 ]; then
  bash tests/toolchain/tools.sh kubectl >/dev/null
  go test -run '^$' -bench '^BenchmarkPulumi$' -benchtime 1x -timeout 3h ./tests/bench/pulumi
fi
