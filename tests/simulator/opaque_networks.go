package main

// NSX opaque networks: -opaque-network N puts N OpaqueNetworks (DC<d>_NSX<n>, id ls-dc<d>_nsx<n>, type nsx.LogicalSwitch) in each
// datacenter's network folder, with the stock Folder.AddOpaqueNetwork. Their summary is an OpaqueNetworkSummary
// (opaqueNetworkId, opaqueNetworkType) in a property declared NetworkSummary, which is what makes reads of
// summary.opaqueNetworkId fail on vCenter (see property_paths.go). They are attached to no host. None in ESX mode.

import (
	"flag"
	"fmt"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

var opaqueNetworks int

func init() {
	flag.IntVar(&opaqueNetworks, "opaque-network", 0, "NSX opaque networks per datacenter")
	extensions = append(extensions, func(model *simulator.Model) {
		if simulator.Map.IsESX() {
			return // opaque networks come from NSX through vCenter
		}
		for _, obj := range simulator.Map.All("Datacenter") {
			folder, ok := simulator.Map.Get(obj.(*simulator.Datacenter).NetworkFolder).(*simulator.Folder)
			if !ok {
				continue
			}
			for n := 0; n < opaqueNetworks; n++ {
				name := fmt.Sprintf("%s_NSX%d", obj.(mo.Entity).Entity().Name, n)
				summary := types.OpaqueNetworkSummary{
					NetworkSummary:    types.NetworkSummary{Name: name},
					OpaqueNetworkId:   "ls-" + strings.ToLower(name),
					OpaqueNetworkType: "nsx.LogicalSwitch",
				}
				if err := folder.AddOpaqueNetwork(summary); err != nil {
					panic(err)
				}
			}
		}
	})
}
