#!/usr/bin/python3
"""Draws list_vms wall time against inventory size for the three contenders (log scale)."""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

results = json.load(open(sys.argv[1]))["list_vms"]
sizes = [r["vms"] for r in results]
fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
ax.plot(sizes, [r["floor_ms"]["Median"] for r in results], "o-", label="raw RetrievePropertiesEx (floor)")
if "client_ms" in results[0]:
    ax.plot(sizes, [r["client_ms"]["Median"] for r in results], "d-", label="McVSphere vSphere client bulk read")
ax.plot(sizes, [r["mcp_ms"]["Median"] for r in results], "s-", label="McVSphere list_vms over MCP stdio")
original = [(r["vms"], r["original_ms"]) for r in results if r.get("original_ms")]
if original:
    ax.plot([o[0] for o in original], [o[1] for o in original], "^-", label="original pattern (pyVmomi, per attribute)")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("VMs in the inventory")
ax.set_ylabel("wall time, ms (median)")
ax.set_title("list_vms: wall time by inventory size")
ax.grid(True, which="both", alpha=0.3)
ax.legend()
fig.tight_layout()
fig.savefig(sys.argv[2])
print(f"wrote {sys.argv[2]}")
