#!/usr/bin/env bash
# ci-preview: the gate of a change, as a CI job calls it (make ci-preview, examples/ci/): `pulumi preview
# --diff` of the stack with kubeharden's policy pack, the preview as JSON, `kubeharden check` on the
# resources the stack would hold after the update, and a short summary for a pull-request comment.
# Exits 0 when the preview passes every mandatory policy and the check passes; 1 when either fails;
# 2 when something could not be run or judged. Everything it writes goes to CI_PREVIEW_DIR.
#
#   STACK               the stack (default dev)
#   PULUMI_CWD          the Pulumi project folder (default: this repository)
#   PULUMI_CONFIG_FILE  a stack settings file to use instead of <project>/Pulumi.<stack>.yaml (optional)
#   POLICY_PACK_CONFIG  a policy pack config file, to set policies' enforcement levels (optional)
#   KUBEHARDEN_PROFILE  the profile or stack settings the check's exemptions come from (default: the
#                       stack's settings file, where there is one)
#   CI_PREVIEW_DIR      where the outputs go (default build/ci-preview)
# The backend and passphrase come from PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE as for pulumi.
set -uo pipefail
# A preview persists no state, yet pulumi v3.274 serializes the whole snapshot after each of its steps,
# a cost that grows with the square of the stack's size (BENCHMARKS.md: 100 tenants, 56 s against 5 s);
# PULUMI_SKIP_CHECKPOINTS leaves out those intermediate snapshots. It is for previews only, never for up.
export PULUMI_SKIP_CHECKPOINTS=${PULUMI_SKIP_CHECKPOINTS:-true}
repo=$(cd "$(dirname "$0")/.." && pwd)
STACK=${STACK:-dev}
project=$(cd "${PULUMI_CWD:-$repo}" && pwd)
out=${CI_PREVIEW_DIR:-$repo/build/ci-preview}
mkdir -p "$out" "$repo/bin"
out=$(cd "$out" && pwd)

(cd "$repo" && go build -o bin/ ./cmd/kubeharden ./cmd/kubeharden-policy) || exit 2

settings=()
if [ -n "${PULUMI_CONFIG_FILE:-}" ]; then
  settings=(--config-file "$PULUMI_CONFIG_FILE")
fi
pack=(--policy-pack "$repo/bin/kubeharden-policy")
if [ -n "${POLICY_PACK_CONFIG:-}" ]; then
  pack+=(--policy-pack-config "$POLICY_PACK_CONFIG")
fi
profile=${KUBEHARDEN_PROFILE:-${PULUMI_CONFIG_FILE:-}}
if [ -z "$profile" ]; then
  for f in "$project/Pulumi.$STACK.yaml" "$project/stacks/Pulumi.$STACK.yaml"; do
    if [ -f "$f" ]; then profile=$f; break; fi
  done
fi

echo "== pulumi preview --diff of $STACK, with the kubeharden policy pack"
KUBEHARDEN_POLICY_REPORT="$out/policy-report.json" \
  pulumi preview --cwd "$project" --stack "$STACK" "${settings[@]}" --diff --non-interactive "${pack[@]}" 2>&1 | tee "$out/preview.txt"
preview_rc=${PIPESTATUS[0]}

pulumi preview --cwd "$project" --stack "$STACK" "${settings[@]}" --json --show-sames --non-interactive >"$out/preview.json" 2>"$out/preview-json.log"
json_rc=$?

echo "== kubeharden check of what the update would leave"
check=("$repo/bin/kubeharden" check --pulumi-preview "$out/preview.json")
if [ -n "$profile" ]; then check+=(--profile "$profile"); fi
if [ "$json_rc" -eq 0 ]; then
  "${check[@]}" | tee "$out/check.txt"
  check_rc=${PIPESTATUS[0]}
  "${check[@]}" -o sarif >"$out/check.sarif"
else
  echo "pulumi preview --json failed (exit $json_rc): see $out/preview-json.log" | tee "$out/check.txt"
  check_rc=2
fi

# The summary a reviewer reads: what changes, what the policy pack said, what the check found.
changes=$(sed -n '/^Resources:/,/^$/p' "$out/preview.txt" | sed '1d;/^$/d;s/^ *//')
# pulumi prints a violation as "[mandatory]  <policy>  (<type>: <name>)<description>", after "- " or the
# pack's name and version (with --diff).
violations() { grep -E "\[$1\] +[^ ]+ +\(" "$out/preview.txt" | sed -E "s/.*\[$1\] +([^ ]+) +\(([^)]*)\).*/\1 (\2)/" | sort -u; }
mandatory=$(violations mandatory)
advisory=$(violations advisory | grep -c . || true)
result=PASS
rc=0
if [ "$preview_rc" -ne 0 ] || [ "$check_rc" -ne 0 ]; then
  result=FAIL rc=1
  if [ "$check_rc" -eq 2 ] || { [ "$preview_rc" -ne 0 ] && [ -z "$mandatory" ]; }; then rc=2; fi
fi
{
  echo "### kubeharden: preview of \`$STACK\`: $result"
  echo
  echo "**Changes:** ${changes:-none reported (the preview failed before it finished)}" | paste -sd' '
  echo
  if [ -n "$mandatory" ]; then
    echo "**Mandatory policy violations** (they stop this change):"
    echo "$mandatory" | sed 's/^/- /'
  else
    echo "**Mandatory policy violations:** none"
  fi
  echo
  echo "**Advisory:** $advisory (see the preview log)"
  echo
  echo "**kubeharden check:** $(grep -E '^result:' "$out/check.txt" || tail -n 1 "$out/check.txt")"
} >"$out/summary.md"
echo "== summary ($out/summary.md)"
cat "$out/summary.md"
exit "$rc"
