#!/usr/bin/env bash
# up: what `make up` runs. `pulumi up` of the stack with its outputs kept off the screen, then the public
# control-plane files (certificates, policies, configuration; no key) written with their modes into
# build/rendered/<stack>/control-plane/ where the stack has a control plane, then a short summary: where
# the objects went, how many of each kind, and which controls pass (`kubeharden check -o summary`).
# Exits non-zero when the update fails or a control fails on what was rendered.
#
#   STACK        the stack (default dev)
#   SENSITIVE=1        also write the files that hold a private or encryption key (0600)
#   CONTROL_PLANE_DIR  where the control-plane files go (default build/rendered/<stack>/control-plane)
# The backend and passphrase come from PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE as for pulumi.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
STACK=${STACK:-dev}

pulumi up --yes --stack "$STACK" --non-interactive --suppress-outputs
go build -o bin/kubeharden ./cmd/kubeharden

outputs=$(pulumi stack output --stack "$STACK" --json)
render_dir=$(pulumi stack output renderDir --stack "$STACK" 2>/dev/null || true)
inputs=()
if [ -n "$render_dir" ]; then
  case "$render_dir" in /*) ;; *) render_dir=$repo/$render_dir ;; esac
  inputs+=("$render_dir/1-manifest")
  echo "kubeharden: rendered the hardened objects into $render_dir/1-manifest"
else
  echo "kubeharden: applied the hardened objects to the cluster of $(pulumi stack output kubeconfig --stack "$STACK")"
fi
if grep -q '"controlPlaneFiles"' <<<"$outputs"; then
  cp_dir=${CONTROL_PLANE_DIR:-$repo/build/rendered/$STACK/control-plane}
  files_flags=(--public-only)
  if [ "${SENSITIVE:-}" = 1 ]; then files_flags=(); fi
  bin/kubeharden files write --stack "$STACK" --dir "$cp_dir" "${files_flags[@]}"
  inputs+=("$cp_dir")
fi
if [ ${#inputs[@]} -eq 0 ]; then
  exit 0
fi
profile=()
if [ -f "stacks/Pulumi.$STACK.yaml" ]; then profile=(--profile "stacks/Pulumi.$STACK.yaml"); fi
bin/kubeharden check "${inputs[@]}" "${profile[@]}" -o summary
