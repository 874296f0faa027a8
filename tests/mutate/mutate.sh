#!/usr/bin/env bash
# make mutate: mutation testing of the security core with gremlins (github.com/go-gremlins/gremlins,
# built once from the Go module proxy into the tools cache). Each package that decides a verdict or a
# refusal is mutated one small change at a time (a condition negated or its boundary moved, && and ||
# swapped, arithmetic changed), and its own `go test -short` must fail on each. Then tests/mutate prints,
# per package, mutants killed, survived, not covered, timed out and not viable, and the efficacy; writes
# every survivor to build/mutate/survivors.txt; and fails when a package is under MUTATE_TARGET (90%) or a
# survivor is neither killed nor accepted, with its reason, in docs/testing.md. Not part of make test (about
# an hour on two cores); MUTATE_PACKAGES picks some of the packages below, MUTATE_WORKERS sets gremlins'
# workers. MUTATE_RECHECK=1 runs no gremlins: it applies each survivor of the last run (build/mutate/*.json)
# to the working tree in turn, runs its package's tests and restores the file, to show what tests written
# since that run kill (minutes, not an hour).
set -euo pipefail
cd "$(dirname "$0")/../.."
TOOLS_DIR=${KUBEHARDEN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeharden/tools}
GREMLINS_VERSION=0.6.0
GREMLINS="$TOOLS_DIR/gremlins-v$GREMLINS_VERSION/bin/gremlins"
if [ ! -x "$GREMLINS" ]; then
  echo "[mutate] building gremlins v$GREMLINS_VERSION from the Go module proxy" >&2
  GOBIN="$(dirname "$GREMLINS")" go install "github.com/go-gremlins/gremlins/cmd/gremlins@v$GREMLINS_VERSION"
fi
out=build/mutate
mkdir -p "$out"

# The packages of the security core, each with the files of it that read or write rather than judge
# (left out: their mutants change a format, not a verdict; they have tests of their own).
declare -A exclude=(
  [controls]='manifests/ live/ preview/ internal/'                               # reading inputs
  [report]='formats\.go render\.go'                                             # writing reports
  [config]='deepcopy\.go'                                                           # generated
  [policypack]=''
  [check]=''                                                                        # the exemptions a profile implies
  [components/guardrails]=''
)
packages=${MUTATE_PACKAGES:-controls report config policypack check components/guardrails}
args=()
for pkg in $packages; do
  [ "${exclude[$pkg]+set}" = set ] || { echo "[mutate] $pkg is not a package of the security core: ${!exclude[*]}" >&2; exit 2; }
  flags=()
  for e in ${exclude[$pkg]}; do flags+=(-E "$e"); done
  json="$out/$(echo "$pkg" | tr / _).json"
  args+=("$pkg=$json")
  if [ -n "${MUTATE_RECHECK:-}" ]; then
    [ -f "$json" ] || { echo "[mutate] MUTATE_RECHECK: no earlier run of $pkg ($json)" >&2; exit 2; }
    continue
  fi
  echo "[mutate] $pkg" >&2
  # --timeout-coefficient: each mutant's test run links a new test binary, which the coverage run that
  # gremlins times did not; without it, every mutant of a package with large dependencies times out.
  "$GREMLINS" unleash --silent --invert-logical --timeout-coefficient "${MUTATE_TIMEOUT_COEFFICIENT:-15}" --workers "${MUTATE_WORKERS:-2}" \
    "${flags[@]}" -o "$json" "./$pkg" >&2
done
go run ./tests/mutate ${MUTATE_RECHECK:+-recheck} -accepted docs/testing.md -survivors "$out/survivors.txt" -target "${MUTATE_TARGET:-90}" "${args[@]}"
