#!/usr/bin/python3
"""The original server's list_vms access pattern, reproduced with Debian's pyVmomi: walk the VMs of a container
view and read each property as an attribute, one PropertyCollector round trip per attribute read.
Prints one JSON line: {"vms": N, "seconds": S, "requests": R}. Requests are counted by the caller's proxy."""
import http.client
import json
import sys
import time

from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim

# Debian's pyVmomi 6.7 passes an SSL context even to plain-HTTP connections, which Python 3.11 refuses; the
# simulator is measured over plain HTTP so that the request-counting proxy can read the requests.
_plain_init = http.client.HTTPConnection.__init__
http.client.HTTPConnection.__init__ = lambda self, *args, context=None, **kwargs: _plain_init(self, *args, **kwargs)

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
si = SmartConnect(protocol="http", host=host, port=port, user=user, pwd=password)
content = si.RetrieveContent()
view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
start = time.perf_counter()
rows = []
for vm in view.view:
    rows.append({
        "name": vm.name,
        "power_state": vm.runtime.powerState,
        "cpus": vm.config.hardware.numCPU,
        "memory_mb": vm.config.hardware.memoryMB,
        "guest_os": vm.config.guestFullName,
        "ip_address": vm.guest.ipAddress,
        "host": vm.runtime.host.name,
        "tools_status": vm.guest.toolsStatus,
    })
seconds = time.perf_counter() - start
view.Destroy()
Disconnect(si)
print(json.dumps({"vms": len(rows), "seconds": seconds}))
