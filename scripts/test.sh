#!/usr/bin/env bash
# Runs every test: the simulator extensions (go test), then the .NET suites (unit, vSphere client, end to end).
# Installs what is missing first. Ends with one line "N passed, N failed[, N skipped]".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/prerequisites.sh" nginx bubblewrap qemu-utils || exit 1
# The security tests' Node tools (tests/oidc: the OpenID provider, Node 22, the MCP conformance suite), as locked.
oidc="$root/tests/oidc"
if [ ! -f "$oidc/node_modules/.package-lock.json" ] || [ "$oidc/package-lock.json" -nt "$oidc/node_modules/.package-lock.json" ]; then
  echo "test: npm ci in tests/oidc" >&2
  npm ci --prefix "$oidc" --no-audit --no-fund --loglevel=error >&2 || exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0

echo "== simulator extensions (go test)"
(cd "$root/tests/simulator" && TMPDIR=/dev/shm GO111MODULE=off GOPATH=/usr/share/gocode \
  GOCACHE="${XDG_CACHE_HOME:-$HOME/.cache}/mcvsphere-go-build" go test -count=1 -v . 2>&1) \
  | tee -a "$log" | grep -E '^(--- |ok|FAIL|PASS)' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

echo "== .NET tests"
dotnet build "$root/McVSphere.sln" -c Release -nologo -v quiet || exit 1
dotnet test "$root/McVSphere.sln" -c Release --no-build -nologo 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

go_passed=$(grep -c '^    --- PASS\|^--- PASS' "$log" || true)
go_failed=$(grep -c '^    --- FAIL\|^--- FAIL' "$log" || true)
read -r dn_passed dn_failed dn_skipped < <(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
passed=$((go_passed + dn_passed)); failed=$((go_failed + dn_failed))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $dn_skipped skipped"
exit $status
