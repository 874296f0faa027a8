#!/usr/bin/env bash
# Builds the real toolchain that `make up` and the tests run, from the Go module proxy alone, into a cache
# outside the checkout keyed by version (../shared/TOOLCHAIN.md has the recipes and why each step is there).
# Each tool is skipped when its binary is already in the cache. A `pulumi` of at least the pinned version
# found on PATH is used instead of building one.
#
# Usage: tests/toolchain/tools.sh [all|pulumi|controlplane|node|kubectl|versitygw]   (default: all; kubectl is for make bench)
#        tests/toolchain/tools.sh version 1.34.4   (kube-apiserver, kube-controller-manager and etcd for
#        `make test-versions`, in a folder of their own, not on the shared bin folder)
# Prints, as its last line, the bin folder to put first on PATH (for version: that version's folder).
set -euo pipefail

PULUMI_VERSION=3.274.1
LANGUAGE_HOST_SDK_VERSION=3.60.0 # the last sdk/v3 that still carries go/pulumi-language-go
KUBERNETES_PROVIDER_VERSION=4.32.0
KUBERNETES_PROVIDER_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199 # the only version the proxy serves
KUBERNETES_VERSION=1.36.3
ETCD_VERSION=3.6.16
PULUMI_YAML_VERSION=1.25.0 # the YAML language host, for the component provider's YAML example
VERSITYGW_VERSION=1.8.0   # an S3-compatible server (POSIX backend), for the fleet's state in S3

TOOLS_ROOT=${KUBEHARDEN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeharden/tools}
BIN="$TOOLS_ROOT/bin"
mkdir -p "$BIN"
what=${1:-all}

say() { printf '[tools] %s\n' "$*" >&2; }

# new_wrapper DIR MODULE: an empty module in the cache to build a tool from.
new_wrapper() {
  rm -rf "$1" && mkdir -p "$1"
  printf 'module %s\n\ngo 1.26\n' "$2" >"$1/go.mod"
}

# link NAME TARGET: put a built tool on the shared bin folder.
link() { ln -sf "$2" "$BIN/$1"; }

version_at_least() { # version_at_least HAVE WANT
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

pulumi_on_path() {
  local p
  p=$(PATH="${PATH//$BIN:/}" command -v pulumi 2>/dev/null) || return 1
  local v
  v=$("$p" version 2>/dev/null | sed 's/^v//') || return 1
  [ -n "$v" ] && version_at_least "$v" "$PULUMI_VERSION" && echo "$p"
}

build_pulumi() {
  local dir="$TOOLS_ROOT/pulumi-v$PULUMI_VERSION"
  if existing=$(pulumi_on_path); then
    say "using the pulumi already on PATH: $existing ($("$existing" version))"
    return 0
  fi
  if [ ! -x "$dir/bin/pulumi" ]; then
    say "building the pulumi CLI v$PULUMI_VERSION from the Go module proxy (about 7 minutes cold)"
    local w="$dir/src"
    new_wrapper "$w" kubeharden.local/tools/pulumi
    cat >>"$w/go.mod" <<MOD

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
    printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' >"$w/tools.go"
    (cd "$w" && go mod tidy &&
      go build -o "$dir/bin/pulumi" \
        -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  fi
  link pulumi "$dir/bin/pulumi"

  local lh="$TOOLS_ROOT/pulumi-language-go-sdk-v$LANGUAGE_HOST_SDK_VERSION"
  if [ ! -x "$lh/bin/pulumi-language-go" ]; then
    say "building the Go language host from sdk/v3 v$LANGUAGE_HOST_SDK_VERSION (under a minute)"
    local w="$lh/src"
    new_wrapper "$w" kubeharden.local/tools/languagego
    printf '\nrequire github.com/pulumi/pulumi/sdk/v3 v%s\n' "$LANGUAGE_HOST_SDK_VERSION" >>"$w/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go"\n' >"$w/tools.go"
    (cd "$w" && go mod tidy && go build -o "$lh/bin/pulumi-language-go" github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go)
  fi
  # Beside the CLI, not on PATH: the CLI takes its language host from there without a warning.
  ln -sf "$lh/bin/pulumi-language-go" "$dir/bin/pulumi-language-go"
  rm -f "$BIN/pulumi-language-go"
}

# build_language_host NAME FOLDER MODULE VERSION PACKAGE: a language host built once from a wrapper module
# and put beside the CLI, where the CLI takes it from without a warning (else on the shared bin folder).
build_language_host() {
  local name=$1 lh="$TOOLS_ROOT/$2" module=$3 version=$4 pkg=$5
  if [ ! -x "$lh/bin/$name" ]; then
    say "building $name from $module v$version (a minute or a few, cold)"
    local w="$lh/src"
    new_wrapper "$w" "kubeharden.local/tools/$name"
    printf '\nrequire %s v%s\n' "$module" "$version" >>"$w/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" >"$w/tools.go"
    (cd "$w" && go mod tidy && go build -o "$lh/bin/$name" "$pkg")
  fi
  local cli
  cli=$(dirname "$(readlink -f "$BIN/pulumi")")
  ln -sf "$lh/bin/$name" "$cli/$name" 2>/dev/null || link "$name" "$lh/bin/$name"
}

# The YAML host, for the component provider's YAML example; the Node.js one from sdk/v3 v3.60.0 (the last
# that carries it as a package), for the TypeScript example, which takes @pulumi/pulumi from npm.
build_yaml_language_host() {
  build_language_host pulumi-language-yaml "pulumi-language-yaml-v$PULUMI_YAML_VERSION" \
    github.com/pulumi/pulumi-yaml "$PULUMI_YAML_VERSION" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
}
build_node_language_host() {
  build_language_host pulumi-language-nodejs "pulumi-language-nodejs-sdk-v$LANGUAGE_HOST_SDK_VERSION" \
    github.com/pulumi/pulumi/sdk/v3 "$LANGUAGE_HOST_SDK_VERSION" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
}

build_kubernetes_provider() {
  local dir="$TOOLS_ROOT/pulumi-resource-kubernetes-v$KUBERNETES_PROVIDER_VERSION"
  if [ ! -x "$dir/bin/pulumi-resource-kubernetes" ]; then
    say "building the kubernetes provider v$KUBERNETES_PROVIDER_VERSION (about 11 minutes cold)"
    local w="$dir/src"
    new_wrapper "$w" kubeharden.local/tools/kubernetesprovider
    printf '\nrequire github.com/pulumi/pulumi-kubernetes/provider/v4 %s\n' "$KUBERNETES_PROVIDER_MODULE_VERSION" >>"$w/go.mod"
    local mod
    mod=$(cd "$w" && go mod download -json "github.com/pulumi/pulumi-kubernetes/provider/v4@$KUBERNETES_PROVIDER_MODULE_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    for f in main.go generate.go schema.json terraform-mapping.json; do
      install -m 0644 "$mod/cmd/pulumi-resource-kubernetes/$f" "$w/$f"
    done
    (cd "$w" && go mod tidy &&
      VERSION=$KUBERNETES_PROVIDER_VERSION go run generate.go &&
      go build -o "$dir/bin/pulumi-resource-kubernetes" \
        -ldflags "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$KUBERNETES_PROVIDER_VERSION" .)
  fi
  # Not linked onto PATH: registered with `pulumi plugin install` below, pulumi finds it without a warning.
  rm -f "$BIN/pulumi-resource-kubernetes"
}

register_kubernetes_provider() {
  local p
  p=$(PATH="$BIN:$PATH" command -v pulumi)
  if ! "$p" plugin ls 2>/dev/null | grep -Eq "^kubernetes +resource +$KUBERNETES_PROVIDER_VERSION"; then
    say "registering the kubernetes provider v$KUBERNETES_PROVIDER_VERSION with pulumi"
    "$p" plugin install resource kubernetes "v$KUBERNETES_PROVIDER_VERSION" \
      --file "$TOOLS_ROOT/pulumi-resource-kubernetes-v$KUBERNETES_PROVIDER_VERSION/bin/pulumi-resource-kubernetes" >&2
  fi
}

build_kubernetes() {
  local dir="$TOOLS_ROOT/kubernetes-v$KUBERNETES_VERSION"
  if [ ! -x "$dir/bin/kube-apiserver" ] || [ ! -x "$dir/bin/kube-controller-manager" ]; then
    say "building kube-apiserver and kube-controller-manager v$KUBERNETES_VERSION (the longest build, tens of minutes cold)"
    local w="$dir/src"
    kubernetes_wrapper "$w" kubeharden.local/tools/kubernetes k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
    (cd "$w" && go mod tidy &&
      go build -o "$dir/bin/kube-apiserver" -ldflags "$(kubernetes_ldflags)" k8s.io/kubernetes/cmd/kube-apiserver &&
      go build -o "$dir/bin/kube-controller-manager" -ldflags "$(kubernetes_ldflags)" k8s.io/kubernetes/cmd/kube-controller-manager)
  fi
  [ "${1:-}" = nolink ] && return 0
  link kube-apiserver "$dir/bin/kube-apiserver"
  link kube-controller-manager "$dir/bin/kube-controller-manager"
}

# build_version V: another minor's control plane for `make test-versions`, with etcd beside it.
build_version() {
  [ -n "${1:-}" ] || { echo "usage: $0 version 1.34.4" >&2; exit 2; }
  KUBERNETES_VERSION=$1
  build_etcd
  build_kubernetes nolink
  ln -sf "$(readlink -f "$BIN/etcd")" "$TOOLS_ROOT/kubernetes-v$KUBERNETES_VERSION/bin/etcd"
  BIN="$TOOLS_ROOT/kubernetes-v$KUBERNETES_VERSION/bin"
}

# kubernetes_wrapper DIR MODULE PACKAGE...: a wrapper module that builds PACKAGEs of k8s.io/kubernetes, its
# staging modules (replaced by ./staging in its own go.mod) pinned to the published v0.<minor> versions.
kubernetes_wrapper() {
  local w=$1 module=$2; shift 2
  new_wrapper "$w" "$module"
  local gomod
  gomod=$(cd "$w" && go mod download -json "k8s.io/kubernetes@v$KUBERNETES_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  {
    printf '\nrequire k8s.io/kubernetes v%s\n\nreplace (\n' "$KUBERNETES_VERSION"
    sed -n "s#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\t\1 => \1 v0.${KUBERNETES_VERSION#1.}#p" "$gomod"
    printf ')\n'
  } >>"$w/go.mod"
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for pkg in "$@"; do printf '\t_ "%s"\n' "$pkg"; done
    printf ')\n'
  } >"$w/tools.go"
}
kubernetes_ldflags() {
  local minor=${KUBERNETES_VERSION#1.}; minor=${minor%%.*}
  echo "-X k8s.io/component-base/version.gitVersion=v$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
}

# build_kubernetes_tool NAME: one more command of k8s.io/kubernetes (cmd/NAME), built once and linked:
# kubeadm (the kubeadm test runs its validation and init phases), kubelet (the node test), kubectl (make
# bench only).
build_kubernetes_tool() {
  local name=$1 dir="$TOOLS_ROOT/$1-v$KUBERNETES_VERSION"
  if [ ! -x "$dir/bin/$name" ]; then
    say "building $name v$KUBERNETES_VERSION (a few minutes cold)"
    local w="$dir/src"
    kubernetes_wrapper "$w" "kubeharden.local/tools/$name" "k8s.io/kubernetes/cmd/$name"
    (cd "$w" && go mod tidy && go build -o "$dir/bin/$name" -ldflags "$(kubernetes_ldflags)" "k8s.io/kubernetes/cmd/$name")
  fi
  link "$name" "$dir/bin/$name"
}

# install_debian WHO PACKAGE... installs Debian's packages as root with apt-get (updating the package
# lists once if the first try fails); where that cannot be done, it says so and the tests of WHO skip.
install_debian() {
  local who=$1
  shift
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    say "$* missing and cannot be installed here (root and apt-get needed): $who will skip"
    return 0
  fi
  say "installing $* from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2 ||
    { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2; }
}

# The node's container runtime: containerd, runc and the CNI plugins (the node test uses loopback).
install_node_runtime() {
  if command -v containerd >/dev/null && command -v runc >/dev/null && [ -x /usr/lib/cni/loopback ]; then
    return 0
  fi
  install_debian "the node test" containerd runc containernetworking-plugins
}

# The receivers `kubeharden audit serve` delivers to in its end-to-end test (Alertmanager, rsyslog with
# its GnuTLS driver), and promtool for the monitoring rules' tests (Prometheus).
install_alert_receivers() {
  if command -v prometheus-alertmanager >/dev/null && command -v rsyslogd >/dev/null && [ -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so ] && command -v promtool >/dev/null; then
    return 0
  fi
  install_debian "the audit serve and monitoring tests" prometheus-alertmanager rsyslog rsyslog-gnutls prometheus
}

build_etcd() {
  local dir="$TOOLS_ROOT/etcd-v$ETCD_VERSION"
  if [ ! -x "$dir/bin/etcd" ]; then
    say "building etcd v$ETCD_VERSION (a few minutes cold)"
    local w="$dir/src"
    new_wrapper "$w" kubeharden.local/tools/etcd
    printf '\nrequire go.etcd.io/etcd/server/v3 v%s\n' "$ETCD_VERSION" >>"$w/go.mod"
    printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' >"$w/main.go"
    (cd "$w" && go mod tidy && go build -o "$dir/bin/etcd" .)
  fi
  link etcd "$dir/bin/etcd"
}

# versitygw, an S3-compatible gateway over a folder: the S3 backend the fleet test keeps its state in.
build_versitygw() {
  local dir="$TOOLS_ROOT/versitygw-v$VERSITYGW_VERSION"
  if [ ! -x "$dir/bin/versitygw" ]; then
    say "building versitygw v$VERSITYGW_VERSION (a few minutes cold)"
    (GOBIN="$dir/bin" go install "github.com/versity/versitygw/cmd/versitygw@v$VERSITYGW_VERSION")
  fi
  link versitygw "$dir/bin/versitygw"
}

case "$what" in
  pulumi) build_pulumi; build_kubernetes_provider; register_kubernetes_provider ;;
  controlplane) build_etcd; build_kubernetes; build_kubernetes_tool kubeadm ;;
  node) build_kubernetes_tool kubelet; install_node_runtime ;;
  kubectl) build_kubernetes_tool kubectl ;;
  versitygw) build_versitygw ;;
  version) build_version "${2:-}" ;;
  all) build_pulumi; build_kubernetes_provider; register_kubernetes_provider; build_yaml_language_host; build_node_language_host; build_etcd; build_kubernetes; build_kubernetes_tool kubeadm; build_kubernetes_tool kubelet; install_node_runtime; install_alert_receivers; build_versitygw ;;
  *) echo "usage: $0 [all|pulumi|controlplane|node|kubectl|versitygw|version V]" >&2; exit 2 ;;
esac
say "tools ready in $BIN"
echo "$BIN"
