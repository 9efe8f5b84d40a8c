package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

func standbyGuest(e *lcEnv, vm *object.VirtualMachine) error {
	_, err := methods.StandbyGuest(e.ctx, e.client.Client, &types.StandbyGuest{This: vm.Reference()})
	return err
}

func powerState(e *lcEnv, vm *object.VirtualMachine) types.VirtualMachinePowerState {
	e.t.Helper()
	return e.vmMO(vm, "runtime.powerState").Runtime.PowerState
}

func TestRebootAndStandbyGuest(t *testing.T) {
	e := newLCEnv(t)
	vm := e.vm("DC0_H0_VM0")

	// Tools not running (the model's default).
	if _, ok := faultOf(t, vm.RebootGuest(e.ctx)).(*types.ToolsUnavailable); !ok {
		t.Fatal("RebootGuest without tools: want ToolsUnavailable")
	}
	if _, ok := faultOf(t, standbyGuest(e, vm)).(*types.ToolsUnavailable); !ok {
		t.Fatal("StandbyGuest without tools: want ToolsUnavailable")
	}

	e.toolsRunning(vm)
	if err := vm.RebootGuest(e.ctx); err != nil {
		t.Fatal(err)
	}
	if s := powerState(e, vm); s != types.VirtualMachinePowerStatePoweredOn {
		t.Fatalf("after RebootGuest: %s", s)
	}

	watch := e.watch(vm.Reference(), "runtime.powerState")
	if err := standbyGuest(e, vm); err != nil {
		t.Fatal(err)
	}
	if s := powerState(e, vm); s != types.VirtualMachinePowerStateSuspended {
		t.Fatalf("after StandbyGuest: %s", s)
	}
	watch.until(5*time.Second, "runtime.powerState suspended", func(changes []types.PropertyChange) bool {
		v, ok := changeOf(changes, "runtime.powerState")
		return ok && v == types.VirtualMachinePowerStateSuspended
	})

	f, ok := faultOf(t, vm.RebootGuest(e.ctx)).(*types.InvalidPowerState)
	if !ok || f.ExistingState != types.VirtualMachinePowerStateSuspended {
		t.Fatalf("RebootGuest on a suspended VM: want InvalidPowerState, got %#v", f)
	}
	if _, ok := faultOf(t, standbyGuest(e, vm)).(*types.InvalidPowerState); !ok {
		t.Fatal("StandbyGuest on a suspended VM: want InvalidPowerState")
	}

	// The events of the guest operations are posted.
	events, err := methods.QueryEvents(e.ctx, e.client.Client, &types.QueryEvents{
		This:   *e.client.ServiceContent.EventManager,
		Filter: types.EventFilterSpec{Entity: &types.EventFilterSpecByEntity{Entity: vm.Reference(), Recursion: types.EventFilterSpecRecursionOptionSelf}, MaxCount: 100},
	})
	if err != nil {
		t.Fatal(err)
	}
	var reboot, standby bool
	for _, ev := range events.Returnval {
		switch ev.(type) {
		case *types.VmGuestRebootEvent:
			reboot = true
		case *types.VmGuestStandbyEvent:
			standby = true
		}
	}
	if !reboot || !standby {
		t.Fatalf("events: reboot %v, standby %v", reboot, standby)
	}
}

func TestRebootGuestToolsBounceWithDelay(t *testing.T) {
	e := newLCEnv(t)
	vm := e.vm("DC0_H0_VM1")
	e.toolsRunning(vm)
	e.extraConfig(vm, taskDelayKey, "300")

	watch := e.watch(vm.Reference(), "guest.toolsRunningStatus")
	if err := vm.RebootGuest(e.ctx); err != nil {
		t.Fatal(err)
	}
	if s := e.vmMO(vm, "guest.toolsRunningStatus").Guest.ToolsRunningStatus; s != "guestToolsNotRunning" {
		t.Fatalf("tools during the guest reboot: %s", s)
	}
	watch.until(5*time.Second, "tools running again", func(changes []types.PropertyChange) bool {
		v, ok := changeOf(changes, "guest.toolsRunningStatus")
		return ok && v == "guestToolsRunning"
	})
}

func TestRoutesApplyToVMsCreatedLater(t *testing.T) {
	e := newLCEnv(t)
	src := e.vm("DC0_H0_VM0")
	folder, err := e.finder.DefaultFolder(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	task, err := src.Clone(e.ctx, folder, "later-clone", types.VirtualMachineCloneSpec{})
	if err != nil {
		t.Fatal(err)
	}
	info, err := task.WaitForResult(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	clone := object.NewVirtualMachine(e.client.Client, info.Result.(types.ManagedObjectReference))
	e.wait(clone.PowerOn(e.ctx))
	// A route answers (ToolsUnavailable), not MethodNotFound.
	if _, ok := faultOf(t, clone.RebootGuest(e.ctx)).(*types.ToolsUnavailable); !ok {
		t.Fatal("RebootGuest on a clone: want ToolsUnavailable")
	}
	e.toolsRunning(clone)
	if err := standbyGuest(e, clone); err != nil {
		t.Fatal(err)
	}
	if s := powerState(e, clone); s != types.VirtualMachinePowerStateSuspended {
		t.Fatalf("clone after StandbyGuest: %s", s)
	}

	// The stock simulator still works for the clone (it is a plain simulator.VirtualMachine).
	e.wait(clone.PowerOff(e.ctx))
	e.wait(clone.Destroy(e.ctx))
}

func snapshotTree(e *lcEnv, vm *object.VirtualMachine) *types.VirtualMachineSnapshotInfo {
	e.t.Helper()
	return e.vmMO(vm, "snapshot").Snapshot
}

func createSnapshot(e *lcEnv, vm *object.VirtualMachine, name string, memory bool) types.ManagedObjectReference {
	e.t.Helper()
	task, err := vm.CreateSnapshot(e.ctx, name, "taken by "+e.t.Name(), memory, false)
	if err != nil {
		e.t.Fatal(err)
	}
	info, err := task.WaitForResult(e.ctx, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return info.Result.(types.ManagedObjectReference)
}

func TestRenameSnapshot(t *testing.T) {
	e := newLCEnv(t)
	vm := e.vm("DC0_H0_VM0")
	first := createSnapshot(e, vm, "first", false)
	second := createSnapshot(e, vm, "second", false)

	watch := e.watch(vm.Reference(), "snapshot.rootSnapshotList")
	_, err := methods.RenameSnapshot(e.ctx, e.client.Client, &types.RenameSnapshot{This: second, Name: "renamed", Description: "new description"})
	if err != nil {
		t.Fatal(err)
	}
	tree := snapshotTree(e, vm)
	node := findSnapshotNode(tree.RootSnapshotList, second)
	if node == nil || node.Name != "renamed" || node.Description != "new description" {
		t.Fatalf("renamed node: %+v", node)
	}
	if root := findSnapshotNode(tree.RootSnapshotList, first); root == nil || root.Name != "first" {
		t.Fatalf("the other snapshot changed: %+v", root)
	}
	watch.until(5*time.Second, "snapshot.rootSnapshotList after RenameSnapshot", func(changes []types.PropertyChange) bool {
		_, ok := changeOf(changes, "snapshot.rootSnapshotList")
		return ok
	})

	// Only the description.
	if _, err := methods.RenameSnapshot(e.ctx, e.client.Client, &types.RenameSnapshot{This: first, Description: "d2"}); err != nil {
		t.Fatal(err)
	}
	if node := findSnapshotNode(snapshotTree(e, vm).RootSnapshotList, first); node.Name != "first" || node.Description != "d2" {
		t.Fatalf("description-only rename: %+v", node)
	}

	_, err = methods.RenameSnapshot(e.ctx, e.client.Client, &types.RenameSnapshot{This: first})
	if _, ok := faultOf(t, err).(*types.InvalidArgument); !ok {
		t.Fatal("RenameSnapshot without name and description: want InvalidArgument")
	}
}

func hardware(e *lcEnv, vm *object.VirtualMachine) (int32, int32, int) {
	e.t.Helper()
	m := e.vmMO(vm, "config.hardware")
	return m.Config.Hardware.NumCPU, m.Config.Hardware.MemoryMB, len(m.Config.Hardware.Device)
}

func TestRevertRestoresConfigAndPowerState(t *testing.T) {
	e := newLCEnv(t)
	vm := e.vm("DC0_C0_RP0_VM0")
	cpu0, mem0, dev0 := hardware(e, vm)

	withMemory := createSnapshot(e, vm, "running", true)
	if node := findSnapshotNode(snapshotTree(e, vm).RootSnapshotList, withMemory); node.State != types.VirtualMachinePowerStatePoweredOn {
		t.Fatalf("memory snapshot of a running VM: state %s", node.State)
	}

	// Change CPU, memory and devices (add a CD-ROM), then power off.
	devices, err := vm.Device(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	ide, err := devices.FindIDEController("")
	if err != nil {
		t.Fatal(err)
	}
	cdrom, err := devices.CreateCdrom(ide)
	if err != nil {
		t.Fatal(err)
	}
	add, err := object.VirtualDeviceList{cdrom}.ConfigSpec(types.VirtualDeviceConfigSpecOperationAdd)
	if err != nil {
		t.Fatal(err)
	}
	task, err := vm.Reconfigure(e.ctx, types.VirtualMachineConfigSpec{NumCPUs: cpu0 + 3, MemoryMB: int64(mem0) * 4, DeviceChange: add})
	e.wait(task, err)
	if cpu, mem, dev := hardware(e, vm); cpu != cpu0+3 || mem != mem0*4 || dev != dev0+1 {
		t.Fatalf("reconfigure did not apply: %d %d %d", cpu, mem, dev)
	}
	e.wait(vm.PowerOff(e.ctx))

	// Snapshot without memory of a powered-off VM, then revert to the first one.
	off := createSnapshot(e, vm, "off", false)

	watch := e.watch(vm.Reference(), "config.hardware.numCPU", "runtime.powerState")
	e.wait(vm.RevertToSnapshot(e.ctx, "running", false))
	if cpu, mem, dev := hardware(e, vm); cpu != cpu0 || mem != mem0 || dev != dev0 {
		t.Fatalf("after revert: cpu %d mem %d devices %d, want %d %d %d", cpu, mem, dev, cpu0, mem0, dev0)
	}
	if s := powerState(e, vm); s != types.VirtualMachinePowerStatePoweredOn {
		t.Fatalf("after reverting to a running snapshot: %s", s)
	}
	m := e.vmMO(vm, "snapshot.currentSnapshot", "summary.config")
	if *m.Snapshot.CurrentSnapshot != withMemory || m.Summary.Config.NumCpu != cpu0 || m.Summary.Config.MemorySizeMB != mem0 {
		t.Fatalf("after revert: current %v, summary %+v", m.Snapshot.CurrentSnapshot, m.Summary.Config)
	}
	watch.until(5*time.Second, "numCPU and powerState after revert", func(changes []types.PropertyChange) bool {
		_, cpu := changeOf(changes, "config.hardware.numCPU")
		_, power := changeOf(changes, "runtime.powerState")
		return cpu && power
	})

	// The revert task is about the VM (the stock simulator named the snapshot).
	var tm mo.TaskManager
	e.props(e.client.ServiceContent.TaskManager.Reference(), &tm, "recentTask")
	last := e.taskInfo(tm.RecentTask[len(tm.RecentTask)-1])
	if last.Name != "RevertToSnapshot_Task" || last.Entity == nil || *last.Entity != vm.Reference() || last.EntityName != "DC0_C0_RP0_VM0" {
		t.Fatalf("revert task info: name %s entity %v (%s)", last.Name, last.Entity, last.EntityName)
	}

	// Back to the powered-off snapshot: the VM powers off and gets the changed hardware back.
	res, err := methods.RevertToSnapshot_Task(e.ctx, e.client.Client, &types.RevertToSnapshot_Task{This: off})
	if err != nil {
		t.Fatal(err)
	}
	e.wait(object.NewTask(e.client.Client, res.Returnval), nil)
	if cpu, _, dev := hardware(e, vm); cpu != cpu0+3 || dev != dev0+1 {
		t.Fatalf("after revert to 'off': cpu %d devices %d", cpu, dev)
	}
	if s := powerState(e, vm); s != types.VirtualMachinePowerStatePoweredOff {
		t.Fatalf("after reverting to a powered-off snapshot: %s", s)
	}

	// suppressPowerOn keeps the VM off when reverting to a running snapshot.
	suppress := true
	res2, err := methods.RevertToSnapshot_Task(e.ctx, e.client.Client, &types.RevertToSnapshot_Task{This: withMemory, SuppressPowerOn: &suppress})
	if err != nil {
		t.Fatal(err)
	}
	e.wait(object.NewTask(e.client.Client, res2.Returnval), nil)
	if s := powerState(e, vm); s != types.VirtualMachinePowerStatePoweredOff {
		t.Fatalf("suppressPowerOn: %s", s)
	}
	if cpu, _, _ := hardware(e, vm); cpu != cpu0 {
		t.Fatalf("suppressPowerOn revert: cpu %d", cpu)
	}
}

func TestRevertToCurrentSnapshot(t *testing.T) {
	e := newLCEnv(t)
	vm := e.vm("DC0_H0_VM1")
	if _, ok := faultOf(t, func() error { _, err := vm.RevertToCurrentSnapshot(e.ctx, false); return err }()).(*types.NotFound); !ok {
		t.Fatal("RevertToCurrentSnapshot without snapshots: want NotFound")
	}

	cpu0, mem0, _ := hardware(e, vm)
	// A snapshot without memory of a running VM is a powered-off state (vSphere API, CreateSnapshot_Task memory).
	snap := createSnapshot(e, vm, "disk-only", false)
	if node := findSnapshotNode(snapshotTree(e, vm).RootSnapshotList, snap); node.State != types.VirtualMachinePowerStatePoweredOff {
		t.Fatalf("disk-only snapshot of a running VM: state %s", node.State)
	}
	var s mo.VirtualMachineSnapshot
	e.props(snap, &s, "config")
	if s.Config.Hardware.NumCPU != cpu0 {
		t.Fatalf("snapshot config: numCPU %d", s.Config.Hardware.NumCPU)
	}

	task, err := vm.Reconfigure(e.ctx, types.VirtualMachineConfigSpec{NumCPUs: cpu0 + 1, MemoryMB: int64(mem0) + 64})
	e.wait(task, err)
	// The snapshot's config is a copy: reconfiguring the VM does not change it.
	e.props(snap, &s, "config")
	if s.Config.Hardware.NumCPU != cpu0 {
		t.Fatalf("snapshot config follows the VM: numCPU %d", s.Config.Hardware.NumCPU)
	}

	e.wait(vm.RevertToCurrentSnapshot(e.ctx, false))
	if cpu, mem, _ := hardware(e, vm); cpu != cpu0 || mem != mem0 {
		t.Fatalf("after RevertToCurrentSnapshot: cpu %d mem %d", cpu, mem)
	}
	if st := powerState(e, vm); st != types.VirtualMachinePowerStatePoweredOff {
		t.Fatalf("after reverting to a disk-only snapshot: %s", st)
	}
}

func TestMigrateVM(t *testing.T) {
	e := newLCEnv(t)
	vm := e.vm("DC0_C0_RP0_VM0")
	h0, h1 := e.host("DC0_C0/DC0_C0_H0"), e.host("DC0_C0/DC0_C0_H1")
	standalone := e.host("DC0_H0")

	cur := *e.vmMO(vm, "runtime.host").Runtime.Host
	target := h1
	if cur == h1.Reference() {
		target = h0
	}

	watch := e.watch(vm.Reference(), "runtime.host")
	e.wait(vm.Migrate(e.ctx, nil, target, types.VirtualMachineMovePriorityDefaultPriority, ""))
	if got := *e.vmMO(vm, "runtime.host").Runtime.Host; got != target.Reference() {
		t.Fatalf("runtime.host = %s, want %s", got, target.Reference())
	}
	if refsContain(e.hostMO(object.NewHostSystem(e.client.Client, cur), "vm").Vm, vm.Reference()) {
		t.Fatal("the old host still lists the VM")
	}
	if !refsContain(e.hostMO(target, "vm").Vm, vm.Reference()) {
		t.Fatal("the new host does not list the VM")
	}
	watch.until(5*time.Second, "runtime.host", func(changes []types.PropertyChange) bool {
		v, ok := changeOf(changes, "runtime.host")
		return ok && v == target.Reference()
	})

	// A host outside the pool's compute resource.
	if f, ok := e.taskFault(vm.Migrate(e.ctx, nil, standalone, types.VirtualMachineMovePriorityDefaultPriority, "")).(*types.InvalidArgument); !ok || f.InvalidProperty != "host" {
		t.Fatal("migrate to a host of another compute resource: want InvalidArgument(host)")
	}
	// The state argument must match.
	if f, ok := e.taskFault(vm.Migrate(e.ctx, nil, nil, types.VirtualMachineMovePriorityDefaultPriority, types.VirtualMachinePowerStatePoweredOff)).(*types.InvalidPowerState); !ok || f.ExistingState != types.VirtualMachinePowerStatePoweredOn {
		t.Fatal("migrate with state=poweredOff of a running VM: want InvalidPowerState")
	}
	// A host in maintenance mode.
	other := h0
	if target == h0 {
		other = h1
	}
	e.wait(other.EnterMaintenanceMode(e.ctx, 0, false, nil))
	if _, ok := e.taskFault(vm.Migrate(e.ctx, nil, other, types.VirtualMachineMovePriorityDefaultPriority, "")).(*types.InvalidState); !ok {
		t.Fatal("migrate to a host in maintenance mode: want InvalidState")
	}
	e.wait(other.ExitMaintenanceMode(e.ctx, 0))

	// To the standalone host's root pool, with no host: the standalone host is used.
	pool := e.pool("DC0_H0/Resources")
	oldPool := *e.vmMO(vm, "resourcePool").ResourcePool
	e.wait(vm.Migrate(e.ctx, pool, nil, types.VirtualMachineMovePriorityHighPriority, types.VirtualMachinePowerStatePoweredOn))
	m := e.vmMO(vm, "runtime.host", "resourcePool", "summary.runtime.host")
	if *m.Runtime.Host != standalone.Reference() || *m.ResourcePool != pool.Reference() || *m.Summary.Runtime.Host != standalone.Reference() {
		t.Fatalf("after migrating to DC0_H0/Resources: host %s pool %s", m.Runtime.Host, m.ResourcePool)
	}
	if !refsContain(e.poolMO(pool.Reference(), "vm").Vm, vm.Reference()) || refsContain(e.poolMO(oldPool, "vm").Vm, vm.Reference()) {
		t.Fatal("pool vm lists not updated by MigrateVM_Task")
	}

	// Unknown references are refused at once.
	_, err := methods.MigrateVM_Task(e.ctx, e.client.Client, &types.MigrateVM_Task{
		This: vm.Reference(), Host: &types.ManagedObjectReference{Type: "HostSystem", Value: "host-404"},
		Priority: types.VirtualMachineMovePriorityDefaultPriority,
	})
	if _, ok := faultOf(t, err).(*types.ManagedObjectNotFound); !ok {
		t.Fatal("migrate to an unknown host: want ManagedObjectNotFound")
	}
}

func TestRelocateKeepsInverseLists(t *testing.T) {
	e := newLCEnv(t, func(m *simulator.Model) { m.Datastore = 2 })
	vm := e.vm("DC0_H0_VM0")
	m := e.vmMO(vm, "runtime.host", "resourcePool", "datastore")
	oldHost, oldPool, oldDS := *m.Runtime.Host, *m.ResourcePool, m.Datastore[0]

	clusterPool := e.pool("DC0_C0/Resources")
	h2 := e.host("DC0_C0/DC0_C0_H2")
	ds1, err := e.finder.Datastore(e.ctx, "LocalDS_1")
	if err != nil {
		t.Fatal(err)
	}
	hostRef, poolRef, dsRef := h2.Reference(), clusterPool.Reference(), ds1.Reference()

	// A host in another compute resource without a pool is refused.
	if f, ok := e.taskFault(vm.Relocate(e.ctx, types.VirtualMachineRelocateSpec{Host: &hostRef}, "")).(*types.InvalidArgument); !ok || f.InvalidProperty != "spec.pool" {
		t.Fatal("relocate to another compute resource's host without a pool: want InvalidArgument(spec.pool)")
	}

	e.wait(vm.Relocate(e.ctx, types.VirtualMachineRelocateSpec{Host: &hostRef, Pool: &poolRef, Datastore: &dsRef}, types.VirtualMachineMovePriorityDefaultPriority))
	m = e.vmMO(vm, "runtime.host", "resourcePool", "datastore")
	if *m.Runtime.Host != hostRef || *m.ResourcePool != poolRef || len(m.Datastore) != 1 || m.Datastore[0] != dsRef {
		t.Fatalf("after relocate: host %s pool %s datastores %v", m.Runtime.Host, m.ResourcePool, m.Datastore)
	}
	if refsContain(e.hostMO(object.NewHostSystem(e.client.Client, oldHost), "vm").Vm, vm.Reference()) ||
		!refsContain(e.hostMO(h2, "vm").Vm, vm.Reference()) {
		t.Fatal("host.vm lists not updated")
	}
	if refsContain(e.poolMO(oldPool, "vm").Vm, vm.Reference()) || !refsContain(e.poolMO(poolRef, "vm").Vm, vm.Reference()) {
		t.Fatal("resourcePool.vm lists not updated")
	}
	var oldStore, newStore mo.Datastore
	e.props(oldDS, &oldStore, "vm")
	e.props(dsRef, &newStore, "vm")
	if refsContain(oldStore.Vm, vm.Reference()) || !refsContain(newStore.Vm, vm.Reference()) {
		t.Fatal("datastore.vm lists not updated")
	}

	// A pool only, in a DRS cluster: the VM stays on its host.
	child, err := clusterPool.Create(e.ctx, "relocated", types.DefaultResourceConfigSpec())
	if err != nil {
		t.Fatal(err)
	}
	childRef := child.Reference()
	e.wait(vm.Relocate(e.ctx, types.VirtualMachineRelocateSpec{Pool: &childRef}, ""))
	if m := e.vmMO(vm, "runtime.host", "resourcePool"); *m.ResourcePool != childRef || *m.Runtime.Host != hostRef {
		t.Fatalf("relocate to a pool: host %s pool %s", m.Runtime.Host, m.ResourcePool)
	}
	// Destroying that pool now moves the VM to the parent, leaving no dangling reference.
	e.wait(child.Destroy(e.ctx))
	if m := e.vmMO(vm, "resourcePool"); *m.ResourcePool != poolRef {
		t.Fatalf("after destroying the pool: resourcePool %s", m.ResourcePool)
	}
}

func TestRelocateConvertsDiskFormats(t *testing.T) {
	e := newLCEnv(t, func(m *simulator.Model) { m.Datastore = 2 })
	vm := e.vm("DC0_H0_VM0")
	ds1, err := e.finder.Datastore(e.ctx, "LocalDS_1")
	if err != nil {
		t.Fatal(err)
	}
	dsRef := ds1.Reference()
	disk := func() (*types.VirtualDisk, *types.VirtualDiskFlatVer2BackingInfo) {
		for _, device := range e.vmMO(vm, "config.hardware.device").Config.Hardware.Device {
			if d, ok := device.(*types.VirtualDisk); ok {
				return d, d.Backing.(*types.VirtualDiskFlatVer2BackingInfo)
			}
		}
		t.Fatal("the VM has no disk")
		return nil, nil
	}
	relocate := func(key int32, thin bool) error {
		spec := types.VirtualMachineRelocateSpec{Datastore: &dsRef, Disk: []types.VirtualMachineRelocateSpecDiskLocator{{
			DiskId: key, Datastore: dsRef,
			DiskBackingInfo: &types.VirtualDiskFlatVer2BackingInfo{DiskMode: "persistent", ThinProvisioned: types.NewBool(thin)},
		}}}
		task, err := vm.Relocate(e.ctx, spec, "")
		if err != nil {
			return err
		}
		return task.Wait(e.ctx)
	}

	d, _ := disk()
	for _, thin := range []bool{true, false} {
		if err := relocate(d.Key, thin); err != nil {
			t.Fatalf("relocate thin=%v: %v", thin, err)
		}
		if _, backing := disk(); backing.ThinProvisioned == nil || *backing.ThinProvisioned != thin {
			t.Fatalf("after relocate thin=%v: thinProvisioned %v", thin, backing.ThinProvisioned)
		}
	}
	if f, ok := e.taskFault(vm.Relocate(e.ctx, types.VirtualMachineRelocateSpec{Disk: []types.VirtualMachineRelocateSpecDiskLocator{{
		DiskId: 99999, Datastore: dsRef}}}, "")).(*types.InvalidArgument); !ok || f.InvalidProperty != "spec.disk.diskId" {
		t.Fatal("relocate of a disk the VM lacks: want InvalidArgument(spec.disk.diskId)")
	}
}

func TestMoveIntoResourcePool(t *testing.T) {
	e := newLCEnv(t)
	root := e.pool("DC0_C0/Resources")
	p1, err := root.Create(e.ctx, "P1", types.DefaultResourceConfigSpec())
	if err != nil {
		t.Fatal(err)
	}
	p2, err := root.Create(e.ctx, "P2", types.DefaultResourceConfigSpec())
	if err != nil {
		t.Fatal(err)
	}
	vm := e.vm("DC0_C0_RP0_VM1")

	move := func(target *object.ResourcePool, list ...types.ManagedObjectReference) error {
		_, err := methods.MoveIntoResourcePool(e.ctx, e.client.Client, &types.MoveIntoResourcePool{This: target.Reference(), List: list})
		return err
	}

	watch := e.watch(vm.Reference(), "resourcePool")
	if err := move(p1, vm.Reference()); err != nil {
		t.Fatal(err)
	}
	if got := *e.vmMO(vm, "resourcePool").ResourcePool; got != p1.Reference() {
		t.Fatalf("vm.resourcePool = %s", got)
	}
	if !refsContain(e.poolMO(p1.Reference(), "vm").Vm, vm.Reference()) || refsContain(e.poolMO(root.Reference(), "vm").Vm, vm.Reference()) {
		t.Fatal("pool vm lists not updated")
	}
	watch.until(5*time.Second, "resourcePool", func(changes []types.PropertyChange) bool {
		v, ok := changeOf(changes, "resourcePool")
		return ok && v == p1.Reference()
	})

	// A pool into another pool.
	if err := move(p1, p2.Reference()); err != nil {
		t.Fatal(err)
	}
	if parent := e.poolMO(p2.Reference(), "parent").Parent; *parent != p1.Reference() {
		t.Fatalf("P2.parent = %s", parent)
	}
	if !refsContain(e.poolMO(p1.Reference(), "resourcePool").ResourcePool, p2.Reference()) ||
		refsContain(e.poolMO(root.Reference(), "resourcePool").ResourcePool, p2.Reference()) {
		t.Fatal("resourcePool lists not updated")
	}
	if p, err := e.finder.ResourcePool(e.ctx, "DC0_C0/Resources/P1/P2"); err != nil || p.Reference() != p2.Reference() {
		t.Fatalf("inventory path of the moved pool: %v", err)
	}

	// Faults.
	if f, ok := faultOf(t, move(p2, p1.Reference())).(*types.InvalidArgument); !ok || f.InvalidProperty != "list" {
		t.Fatal("moving a pool into its descendant: want InvalidArgument")
	}
	if _, ok := faultOf(t, move(p1, root.Reference())).(*types.InvalidArgument); !ok {
		t.Fatal("moving the root pool: want InvalidArgument")
	}
	if _, ok := faultOf(t, move(p1, e.vm("DC0_H0_VM0").Reference())).(*types.InvalidArgument); !ok {
		t.Fatal("moving a VM of another compute resource: want InvalidArgument")
	}
	if _, ok := faultOf(t, move(p1, e.host("DC0_C0/DC0_C0_H0").Reference())).(*types.InvalidArgument); !ok {
		t.Fatal("moving a host: want InvalidArgument")
	}
	dup, err := root.Create(e.ctx, "P2", types.DefaultResourceConfigSpec())
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := faultOf(t, move(p1, dup.Reference())).(*types.DuplicateName); !ok || f.Name != "P2" {
		t.Fatal("moving a pool next to a namesake: want DuplicateName")
	}
	_, err = methods.MoveIntoResourcePool(e.ctx, e.client.Client, &types.MoveIntoResourcePool{
		This: p1.Reference(), List: []types.ManagedObjectReference{{Type: "VirtualMachine", Value: "vm-404"}},
	})
	if _, ok := faultOf(t, err).(*types.ManagedObjectNotFound); !ok {
		t.Fatal("moving an unknown object: want ManagedObjectNotFound")
	}

	// Destroying P1 moves its VM to the parent (stock behaviour), with consistent references.
	e.wait(p1.Destroy(e.ctx))
	if got := *e.vmMO(vm, "resourcePool").ResourcePool; got != root.Reference() {
		t.Fatalf("after destroying P1: vm.resourcePool = %s", got)
	}
}

func TestAboutListsRoutedMethods(t *testing.T) {
	e := newLCEnv(t)
	u := *e.client.URL()
	u.Path, u.User = "/about", nil
	res, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var about struct{ Methods, Types []string }
	if err := json.NewDecoder(res.Body).Decode(&about); err != nil {
		t.Fatal(err)
	}
	methods := "," + strings.Join(about.Methods, ",") + ","
	for _, m := range []string{"RebootGuest", "StandbyGuest", "MigrateVM_Task", "RenameSnapshot", "CancelTask",
		"MoveIntoResourcePool", "RebootHost_Task", "ShutdownHost_Task", "StartService", "UpdateDateTimeConfig", "PowerOnVM_Task"} {
		if !strings.Contains(methods, ","+m+",") {
			t.Errorf("/about does not list %s", m)
		}
	}
}
