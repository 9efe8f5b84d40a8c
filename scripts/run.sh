#!/usr/bin/env bash
# Runs McVSphere over stdio (or MCP_TRANSPORT=streamable-http). With VCENTER_HOST set it serves that vCenter;
# without it, it starts the bundled vCenter simulator on loopback so it can be tried at once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/prerequisites.sh"
dotnet build "$root/src/McVSphere.Host" -c Release -v quiet -nologo >&2
export MCVSPHERE_SIMULATOR_PATH="${MCVSPHERE_SIMULATOR_PATH:-$root/tests/simulator/bin/mcvsphere-vcsim}"
host="$root/src/McVSphere.Host/bin/Release/net10.0/mcvsphere"
if [ -z "${VCENTER_HOST:-}" ] && [ "${MCVSPHERE_SIMULATOR:-}" != "true" ]; then
  exec "$host" --simulator "$@"
fi
exec "$host" "$@"
