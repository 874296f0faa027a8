#!/usr/bin/env bash
# drift: fails when the stack's objects in the cluster differ from what its program says, as a scheduled CI
# job calls it (make drift, examples/ci/): `pulumi preview --refresh --expect-no-changes --diff`, which
# reads every object back from the cluster first. Exits 0 when nothing drifted, 1 when something did (the
# diff says what), 2 when it cannot tell (a stack that only renders YAML has no cluster to compare with).
#
#   STACK               the stack (default dev)
#   PULUMI_CWD          the Pulumi project folder (default: this repository)
#   PULUMI_CONFIG_FILE  a stack settings file to use instead of <project>/Pulumi.<stack>.yaml (optional)
set -uo pipefail
# A preview persists no state, yet pulumi v3.274 serializes the whole snapshot after each of its steps,
# a cost that grows with the square of the stack's size (BENCHMARKS.md: 100 tenants, 56 s against 5 s);
# PULUMI_SKIP_CHECKPOINTS leaves out those intermediate snapshots. It is for previews only, never for up.
export PULUMI_SKIP_CHECKPOINTS=${PULUMI_SKIP_CHECKPOINTS:-true}
repo=$(cd "$(dirname "$0")/.." && pwd)
STACK=${STACK:-dev}
project=$(cd "${PULUMI_CWD:-$repo}" && pwd)
settings=()
if [ -n "${PULUMI_CONFIG_FILE:-}" ]; then
  settings=(--config-file "$PULUMI_CONFIG_FILE")
fi
render=${KUBEHARDEN_RENDER_DIR:-}
if [ -z "$render" ] && [ -z "${KUBEHARDEN_KUBECONFIG:-}" ]; then
  render=$(pulumi config get --cwd "$project" --stack "$STACK" "${settings[@]}" kubeharden:renderDir 2>/dev/null)
fi
if [ -n "$render" ]; then
  echo "drift: stack $STACK renders YAML into $render; there is no cluster to compare it with." >&2
  echo "drift: watch a stack that applies to a cluster (kubeharden:kubeconfig); check rendered files with kubeharden check." >&2
  exit 2
fi
out=$(pulumi preview --cwd "$project" --stack "$STACK" "${settings[@]}" --refresh --expect-no-changes --diff --non-interactive 2>&1)
rc=$?
echo "$out"
if [ "$rc" -ne 0 ]; then
  # Changes were proposed: pulumi says so, or, where another field manager took a field (kubectl edit),
  # the preview shows the change and then fails on the server-side apply conflict.
  if grep -q "no changes were expected" <<<"$out" ||
    grep -qE '^ *[-+~]+ +[A-Za-z0-9]+:[^ ]+: \((update|create|delete|replace)\)' <<<"$out"; then
    echo "drift: the objects of stack $STACK differ from its program (above); run pulumi up to restore them" \
      "(PULUMI_K8S_ENABLE_PATCH_FORCE=true takes back fields another manager changed), or change the program" >&2
    exit 1
  fi
  exit 2
fi
echo "drift: none in stack $STACK"
