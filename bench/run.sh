#!/usr/bin/env bash
# Runs the benchmarks side by side and draws the list_vms chart. Figures: bench/results/latest.json and
# docs/benchmarks-list-vms.png. Arguments are passed to the bench (e.g. --sizes 1000,5000 --skip-original).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/prerequisites.sh" python3-pyvmomi python3-matplotlib
dotnet build "$root/bench/McVSphere.Bench" -c Release -v quiet -nologo
dotnet "$root/bench/McVSphere.Bench/bin/Release/net10.0/McVSphere.Bench.dll" "$@"
/usr/bin/python3 "$root/bench/chart.py" "$root/bench/results/latest.json" "$root/docs/benchmarks-list-vms.png"
