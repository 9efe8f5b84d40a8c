package main

// Device labels as vSphere shows them.
//
// The stock simulator labels devices after govmomi's internal names ("disk-202-0", "ethernet-0", "cdrom-3000"), and
// labels every adapter added by ReconfigVM_Task "ethernet--7" (it names the device before choosing its PCI slot), so
// two added adapters share a label. vSphere labels them by kind, numbered from 1 ("Hard disk 1", "Network adapter 2",
// "CD/DVD drive 1", "Serial port 1", "Floppy drive 1") in the order they were added, renumbering the later ones
// when a device is removed, and labels controllers by bus number ("SCSI controller 0", "SATA controller 0", "NVME
// controller 0", "IDE 1"). The order they were added is that of their current numbers, then, for new devices, of
// their keys (the simulator's keys for new devices do not grow, unlike vSphere's).
//
// A registry handler relabels a VM's devices whenever config.hardware.device changes (CreateVM_Task, CloneVM_Task,
// ReconfigVM_Task, ImportVApp, snapshot reverts), and the model's VMs once at start. Labels are changed in place,
// only where they differ, so the update being published carries them. Summaries are left as the simulator writes them.

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

func init() {
	extensions = append(extensions, func(*simulator.Model) {
		for _, entity := range simulator.Map.All("VirtualMachine") {
			if vm, ok := entity.(*simulator.VirtualMachine); ok && vm.Config != nil {
				labelDevices(vm.Config.Hardware.Device)
			}
		}
		simulator.Map.AddHandler(deviceLabeler{})
	})
}

// deviceLabeler is a registry handler (simulator.RegisterObject) that relabels a VM's devices when they change.
type deviceLabeler struct{}

func (deviceLabeler) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "McVSphereDeviceLabeler", Value: "device-labels"}
}

func (deviceLabeler) PutObject(obj mo.Reference) {
	if vm, ok := obj.(*simulator.VirtualMachine); ok && vm.Config != nil {
		labelDevices(vm.Config.Hardware.Device)
	}
}

func (deviceLabeler) UpdateObject(obj mo.Reference, changes []types.PropertyChange) {
	vm, ok := obj.(*mo.VirtualMachine)
	if !ok || vm.Config == nil {
		return
	}
	for _, change := range changes {
		if change.Name == "config.hardware.device" || change.Name == "config.hardware" || change.Name == "config" {
			labelDevices(vm.Config.Hardware.Device)
			return
		}
	}
}

func (deviceLabeler) RemoveObject(types.ManagedObjectReference) {}

// labelDevices gives each device the label vSphere would show.
func labelDevices(devices []types.BaseVirtualDevice) {
	sorted := append([]types.BaseVirtualDevice(nil), devices...)
	sort.SliceStable(sorted, func(i, j int) bool {
		ri, rj := addedRank(sorted[i]), addedRank(sorted[j])
		if ri != rj {
			return ri < rj
		}
		return sorted[i].GetVirtualDevice().Key < sorted[j].GetVirtualDevice().Key
	})
	counts := map[string]int{}
	for _, device := range sorted {
		label := vSphereLabel(device, counts)
		if label == "" {
			continue
		}
		d := device.GetVirtualDevice()
		if d.DeviceInfo == nil {
			d.DeviceInfo = &types.Description{Label: label, Summary: label}
		} else if info := d.DeviceInfo.GetDescription(); info.Label != label {
			info.Label = label
		}
	}
}

// addedRank orders devices as they were added: by the number of the label they already have ("Hard disk 2" → 2),
// devices without such a label (new ones) last.
func addedRank(device types.BaseVirtualDevice) int {
	if info := device.GetVirtualDevice().DeviceInfo; info != nil {
		label := info.GetDescription().Label
		if i := strings.LastIndexByte(label, ' '); i > 0 {
			if n, err := strconv.Atoi(label[i+1:]); err == nil && vSphereLabel(device, map[string]int{}) != "" {
				return n
			}
		}
	}
	return math.MaxInt32
}

// vSphereLabel is the label of a device of a kind vSphere numbers, counting devices of that kind in counts; "" for
// other kinds, which keep their label.
func vSphereLabel(device types.BaseVirtualDevice, counts map[string]int) string {
	numbered := func(prefix string) string {
		counts[prefix]++
		return fmt.Sprintf("%s %d", prefix, counts[prefix])
	}
	switch d := device.(type) {
	case *types.VirtualDisk:
		return numbered("Hard disk")
	case types.BaseVirtualEthernetCard:
		return numbered("Network adapter")
	case *types.VirtualCdrom:
		return numbered("CD/DVD drive")
	case *types.VirtualSerialPort:
		return numbered("Serial port")
	case *types.VirtualFloppy:
		return numbered("Floppy drive")
	case types.BaseVirtualSCSIController:
		return fmt.Sprintf("SCSI controller %d", d.GetVirtualSCSIController().BusNumber)
	case *types.VirtualAHCIController:
		return fmt.Sprintf("SATA controller %d", d.BusNumber)
	case *types.VirtualNVMEController:
		return fmt.Sprintf("NVME controller %d", d.BusNumber)
	case *types.VirtualIDEController:
		return fmt.Sprintf("IDE %d", d.BusNumber)
	}
	return ""
}
