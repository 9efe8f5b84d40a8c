package main

import (
	"testing"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/types"
)

func deviceLabels(e *lcEnv, vm *object.VirtualMachine) map[string]int32 {
	e.t.Helper()
	labels := map[string]int32{}
	for _, device := range e.vmMO(vm, "config.hardware.device").Config.Hardware.Device {
		d := device.GetVirtualDevice()
		label := d.DeviceInfo.GetDescription().Label
		if _, seen := labels[label]; seen {
			e.t.Fatalf("two devices are labelled %q", label)
		}
		labels[label] = d.Key
	}
	return labels
}

func TestDeviceLabelsAreThoseVSphereShows(t *testing.T) {
	e := newLCEnv(t)
	vm := e.vm("DC0_H0_VM0")
	for _, want := range []string{"Hard disk 1", "Network adapter 1", "CD/DVD drive 1", "SCSI controller 0", "IDE 0", "IDE 1"} {
		if _, ok := deviceLabels(e, vm)[want]; !ok {
			t.Fatalf("model VM: no device labelled %q in %v", want, deviceLabels(e, vm))
		}
	}

	// Two adapters added: numbered after the first, each its own label.
	devices, err := vm.Device(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	network := devices.SelectByType((*types.VirtualEthernetCard)(nil))[0].GetVirtualDevice().Backing
	for i := 0; i < 2; i++ {
		nic := &types.VirtualVmxnet3{VirtualVmxnet: types.VirtualVmxnet{VirtualEthernetCard: types.VirtualEthernetCard{
			VirtualDevice: types.VirtualDevice{Key: int32(-1 - i), Backing: network}, AddressType: "generated"}}}
		if err := vm.AddDevice(e.ctx, nic); err != nil {
			t.Fatal(err)
		}
	}
	labels := deviceLabels(e, vm)
	second, okSecond := labels["Network adapter 2"]
	if _, okThird := labels["Network adapter 3"]; !okSecond || !okThird {
		t.Fatalf("after adding two adapters: %v", labels)
	}

	// Removing the first renumbers the others.
	first := devices.FindByKey(labels["Network adapter 1"])
	if err := vm.RemoveDevice(e.ctx, false, first); err != nil {
		t.Fatal(err)
	}
	labels = deviceLabels(e, vm)
	if labels["Network adapter 1"] != second {
		t.Fatalf("after removing Network adapter 1: %v", labels)
	}
	if _, ok := labels["Network adapter 3"]; ok {
		t.Fatalf("after removing Network adapter 1: %v", labels)
	}
}
