#!/usr/bin/env bash
# The generated SDKs, as `make test` checks them: sdk/ is what tools/sdkgen makes of the provider's schema
# now (else `make sdk` was not run); the TypeScript SDK builds with tsc and examples/typescript
# type-checks against it (packages from the npm registry); the Python SDK and examples/python compile
# (PyPI is not reachable here, so the pulumi package they import is not installed and they are not run).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "[sdk] regenerating from cmd/pulumi-resource-kubeharden/schema.json"
(cd tools/sdkgen && go build -o "$work/sdkgen" .)
"$work/sdkgen" -schema cmd/pulumi-resource-kubeharden/schema.json -out "$work/gen" >/dev/null
if ! diff -r --exclude=node_modules --exclude=bin --exclude=build --exclude="*.egg-info" --exclude=__pycache__ "$work/gen" sdk >"$work/sdk.diff"; then
  head -n 40 "$work/sdk.diff"
  echo "[sdk] sdk/ is not what the schema generates: run make sdk" >&2
  exit 1
fi

echo "[sdk] TypeScript: building sdk/nodejs with tsc, then type-checking examples/typescript"
export npm_config_cache=${npm_config_cache:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeharden/npm}
cp -r sdk/nodejs "$work/sdk"
cp -r examples/typescript "$work/example"
sed -i 's|"file:../../sdk/nodejs"|"file:../sdk"|' "$work/example/package.json"
(cd "$work/sdk" && npm install --no-audit --no-fund --loglevel=error --no-save \
  @pulumi/pulumi@3.270.0 typescript@~5.8.0 @types/node@20 >/dev/null && npx tsc -p .)
(cd "$work/example" && npm install --no-audit --no-fund --loglevel=error >/dev/null && npx tsc --noEmit -p .)

echo "[sdk] Python: compiling sdk/python and examples/python"
PYTHONPYCACHEPREFIX="$work/pycache" python3 -m compileall -q sdk/python/pulumi_kubeharden examples/python >/dev/null
echo "[sdk] ok"
