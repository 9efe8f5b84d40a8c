#!/usr/bin/env bash
# Installs what McVSphere's run and test commands need and a fresh Debian 12 machine with the .NET 10 SDK lacks:
# Debian's Go toolchain and govmomi sources (the vCenter simulator), npm, and the Debian packages named as
# arguments (the test and bench scripts name theirs). Idempotent: installs only what is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v go >/dev/null 2>&1 || missing+=(golang-go)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -d /usr/share/gocode/src/github.com/vmware/govmomi ] || missing+=(golang-github-vmware-govmomi-dev)
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "prerequisites: installing ${missing[*]}" >&2
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >&2
fi

command -v dotnet >/dev/null 2>&1 || { echo "prerequisites: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
"$root/tests/simulator/build.sh" >/dev/null

