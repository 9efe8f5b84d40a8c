#!/usr/bin/env bash
# Builds the simulator once into tests/simulator/bin/mcvsphere-vcsim, rebuilding only when a Go source changed.
# Installs Debian's Go toolchain and govmomi sources when they are missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/bin/mcvsphere-vcsim"
if ! command -v go >/dev/null 2>&1 || [ ! -d /usr/share/gocode/src/github.com/vmware/govmomi ]; then
  echo "installing golang-go and golang-github-vmware-govmomi-dev" >&2
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq golang-go golang-github-vmware-govmomi-dev >&2
fi
if [ -x "$out" ] && [ -z "$(find "$here" -maxdepth 1 -name '*.go' -newer "$out")" ]; then
  echo "$out"
  exit 0
fi
mkdir -p "$here/bin"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/mcvsphere-go-build"
(cd "$here" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$cache" GOFLAGS=-mod=mod go build -o "$out" . ) >&2
echo "$out"
