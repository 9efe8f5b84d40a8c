#!/usr/bin/env bash
# Regenerates the reference docs from what the host really serves and reads. A test fails when they are stale.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dotnet build "$root/src/McVSphere.Host" -c Release -v quiet -nologo >&2
host="$root/src/McVSphere.Host/bin/Release/net10.0/mcvsphere"
# No .env of the folder this runs in: the reference does not depend on settings.
MCVSPHERE_ENV_FILE=none "$host" --docs tools > "$root/docs/tools.md"
MCVSPHERE_ENV_FILE=none "$host" --docs configuration > "$root/docs/configuration.md"
echo "wrote docs/tools.md and docs/configuration.md" >&2
