#!/usr/bin/env bash
# up: what `make up` runs. `pulumi up` of the stack with its outputs kept off the screen, then the public
# control-plane files (certificates, policies, configuration; no key) written with their modes into
# build/rendered/<stack>/control-plane/ where the stack has a control plane, then a short summary: where
# the objects went, how many of each kind, and which controls pass (`kubeharden check -o summary`).
# Exits non-zero when the update fails or a control fails on what was rendered.
#
#   STACK        the stack (default dev)
#   GENERATE_SECRETS=1 the stack's PKI and encryption key are generated on the first run, kept, and the
#                      PKI renewed when a certificate expires within 30 days (default for dev: the
#                      repository commits no key). They live in SECRETS_DIR/Pulumi.<stack>.yaml (0600),
#                      the committed stacks/Pulumi.<stack>.yaml plus the secrets, made afresh each run.
#   SECRETS_DIR        default build/stacks
#   SENSITIVE=1        also write the files that hold a private or encryption key (0600)
#   CONTROL_PLANE_DIR  where the control-plane files go (default build/rendered/<stack>/control-plane)
# The backend and passphrase come from PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE as for pulumi.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
STACK=${STACK:-dev}

go build -o bin/kubeharden ./cmd/kubeharden
config_file=()
if [ "${GENERATE_SECRETS:-$([ "$STACK" = dev ] && echo 1)}" = 1 ]; then
  secrets_dir=${SECRETS_DIR:-$repo/build/stacks}
  mkdir -p "$secrets_dir" && chmod 700 "$secrets_dir"
  settings=$secrets_dir/Pulumi.$STACK.yaml
  fresh=$(mktemp --suffix=.yaml "$secrets_dir/.Pulumi.$STACK.XXXXXX")
  trap 'rm -f "$fresh"' EXIT
  cp "stacks/Pulumi.$STACK.yaml" "$fresh"
  for key in pki encryptionKeys; do
    # A secret travels from the old file to the fresh one on a pipe, never on a command line.
    if [ -f "$settings" ] && pulumi config get "kubeharden:$key" --stack "$STACK" --config-file "$settings" >/dev/null 2>&1; then
      pulumi config get "kubeharden:$key" --stack "$STACK" --config-file "$settings" |
        pulumi config set --secret "kubeharden:$key" --stack "$STACK" --config-file "$fresh" --non-interactive
    fi
  done
  mv "$fresh" "$settings"
  chmod 600 "$settings"
  pki_said=$(bin/kubeharden pki init --stack "$STACK" --config-file "$settings" --renew-within 720h)
  echo "${pki_said%%$'\n'*}"
  if ! pulumi config get kubeharden:encryptionKeys --stack "$STACK" --config-file "$settings" >/dev/null 2>&1; then
    bin/kubeharden encryption-key init --stack "$STACK" --config-file "$settings"
  fi
  config_file=(--config-file "$settings")
fi
pulumi up --yes --stack "$STACK" --non-interactive --suppress-outputs "${config_file[@]}"

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
