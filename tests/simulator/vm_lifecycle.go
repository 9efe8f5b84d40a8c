package main

// VM lifecycle methods the stock simulator lacks or gets wrong, after the vSphere API reference. They are routes
// (see sdk_router.go), so they apply to every VM, including VMs created later by CreateVM_Task, CloneVM_Task or
// ImportVApp.
//
// VirtualMachine
//   - RebootGuest(), StandbyGuest(): InvalidPowerState unless poweredOn; ToolsUnavailable unless
//     guest.toolsRunningStatus is guestToolsRunning (set it with ReconfigVM_Task extraConfig
//     "SET.guest.toolsRunningStatus" = "guestToolsRunning"). RebootGuest keeps the VM poweredOn; with a task delay
//     (vcsim.taskDelayMs) the tools stop (guestToolsNotRunning, guestState "resetting") for that long, then run
//     again. StandbyGuest suspends the VM (runtime.powerState = suspended).
//   - MigrateVM_Task(pool?, host?, priority, state?): moves the VM to the pool (default: its own) and host; with no
//     host, the standalone host of the pool's compute resource or, in a DRS cluster, the current host if it is a
//     member, else the first connected host not in maintenance mode. Faults (task error): NotSupported for a
//     template; InvalidPowerState when state is set and differs; InvalidArgument when the host is not in the pool's
//     compute resource, when the host is unset for a non-DRS cluster, or for a priority that is not defined;
//     InvalidState when the target host is disconnected, powered off or in maintenance mode;
//     NoActiveHostInCluster when no host qualifies. Unknown references: ManagedObjectNotFound.
//   - RelocateVM_Task(spec, priority?): as the stock method (host, pool, datastore, folder), plus validation as for
//     MigrateVM_Task, and it keeps host.vm, resourcePool.vm and datastore.vm in step (the stock one does not). A
//     disk locator with a flat backing converts the disk's format (thinProvisioned, eagerlyScrub, diskMode), as
//     vCenter does while it copies the disk; a diskId that is not one of the VM's disks: InvalidArgument
//     ("spec.disk.diskId").
//   - CreateSnapshot_Task: the stock method, after which the snapshot's config is a deep copy of the VM's config
//     (the stock copy shares the device list with the VM) and a snapshot taken without memory of a powered-on VM
//     has state poweredOff, as in vSphere ("When set to FALSE, the power state of the snapshot is set to powered
//     off"). The snapshot tree update is always published.
//   - RevertToCurrentSnapshot_Task(host?, suppressPowerOn?) and VirtualMachineSnapshot.RevertToSnapshot_Task: restore
//     config.hardware (numCPU, numCoresPerSocket, memoryMB, device) from the snapshot's config and the power state
//     of the snapshot tree (suppressPowerOn keeps a poweredOff VM off), set snapshot.currentSnapshot. A host given
//     for a revert that powers the VM on moves the VM there (it must be in the same compute resource). Task entity:
//     the VM. No current snapshot -> NotFound (as the stock method).
//   - PowerOnVM_Task, PowerOffVM_Task, SuspendVM_Task, ResetVM_Task, ReconfigVM_Task, CloneVM_Task, Destroy_Task,
//     RemoveAllSnapshots_Task and VirtualMachineSnapshot.RemoveSnapshot_Task: the stock methods, run in the
//     background when a task delay applies (task_delay.go); without a delay the stock method answers.
//
// VirtualMachineSnapshot.RenameSnapshot(name?, description?): renames the node in the VM's snapshot tree
// (snapshot.rootSnapshotList, published); both unset -> InvalidArgument.
//
// ResourcePool.MoveIntoResourcePool(list): moves VMs and resource pools (or vApps) into the pool, one at a time in
// list order, stopping at the first failure. VMs: vm.resourcePool and both pools' vm lists; the VM's host must
// belong to the pool's compute resource (InvalidArgument). Pools: parent and both resourcePool lists; the root
// pool, the pool itself or one of its ancestors -> InvalidArgument; a sibling of the same name -> DuplicateName.
// Other types -> InvalidArgument; unknown references -> ManagedObjectNotFound.

import (
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func init() {
	routeMethods("VirtualMachine", vmRoutes{})
	routeMethods("VirtualMachineSnapshot", snapshotRoutes{})
	routeMethods("ResourcePool", poolRoutes{}, "MoveIntoResourcePool")
	routeMethods("VirtualApp", poolRoutes{}, "MoveIntoResourcePool")
}

type vmRoutes struct{}

func getVM(ref types.ManagedObjectReference) *simulator.VirtualMachine {
	vm, _ := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	return vm
}

func notFound(ref types.ManagedObjectReference) *soap.Fault {
	return fault("The object '"+ref.Type+":"+ref.Value+"' has already been deleted or has not been completely created",
		&types.ManagedObjectNotFound{Obj: ref})
}

// missingRef returns a ManagedObjectNotFound fault for the first reference that does not exist.
func missingRef(refs ...*types.ManagedObjectReference) *soap.Fault {
	for _, ref := range refs {
		if ref != nil && simulator.Map.Get(*ref) == nil {
			return notFound(*ref)
		}
	}
	return nil
}

func powerStateText(state types.VirtualMachinePowerState) string {
	switch state {
	case types.VirtualMachinePowerStatePoweredOff:
		return "Powered off"
	case types.VirtualMachinePowerStateSuspended:
		return "Suspended"
	}
	return "Powered on"
}

// guestOpFault checks the preconditions of RebootGuest and StandbyGuest.
func guestOpFault(vm *simulator.VirtualMachine) *soap.Fault {
	if state := vm.Runtime.PowerState; state != types.VirtualMachinePowerStatePoweredOn {
		return fault("The attempted operation cannot be performed in the current state ("+powerStateText(state)+").",
			&types.InvalidPowerState{RequestedState: types.VirtualMachinePowerStatePoweredOn, ExistingState: state})
	}
	if vm.Guest == nil || vm.Guest.ToolsRunningStatus != string(types.VirtualMachineToolsRunningStatusGuestToolsRunning) {
		return fault("Cannot complete operation because VMware Tools is not running in this virtual machine.",
			&types.ToolsUnavailable{})
	}
	return nil
}

func (vmRoutes) RebootGuest(ctx *simulator.Context, req *types.RebootGuest) soap.HasFault {
	body := &methods.RebootGuestBody{}
	vm := getVM(req.This)
	if body.Fault_ = guestOpFault(vm); body.Fault_ != nil {
		return body
	}
	postEvent(ctx, &types.VmGuestRebootEvent{VmEvent: vmEvent(vm)})

	if delay := vmTaskDelay(vm); delay > 0 {
		toolsStatus := vm.Guest.ToolsStatus
		down := []types.PropertyChange{
			{Name: "guest.toolsRunningStatus", Val: string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning)},
			{Name: "guest.guestState", Val: string(types.VirtualMachineGuestStateResetting)},
		}
		if toolsStatus == types.VirtualMachineToolsStatusToolsOk || toolsStatus == types.VirtualMachineToolsStatusToolsOld {
			down = append(down, types.PropertyChange{Name: "guest.toolsStatus", Val: types.VirtualMachineToolsStatusToolsNotRunning})
		}
		simulator.Map.Update(vm, down)
		time.AfterFunc(delay, func() {
			simulator.Map.WithLock(vm, func() {
				if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn ||
					vm.Guest.ToolsRunningStatus != string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning) {
					return // powered off or changed meanwhile
				}
				up := []types.PropertyChange{
					{Name: "guest.toolsRunningStatus", Val: string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)},
					{Name: "guest.guestState", Val: string(types.VirtualMachineGuestStateRunning)},
				}
				if vm.Guest.ToolsStatus == types.VirtualMachineToolsStatusToolsNotRunning && toolsStatus != "" {
					up = append(up, types.PropertyChange{Name: "guest.toolsStatus", Val: toolsStatus})
				}
				simulator.Map.Update(vm, up)
			})
		})
	}

	body.Res = &types.RebootGuestResponse{}
	return body
}

func (vmRoutes) StandbyGuest(ctx *simulator.Context, req *types.StandbyGuest) soap.HasFault {
	body := &methods.StandbyGuestBody{}
	vm := getVM(req.This)
	if body.Fault_ = guestOpFault(vm); body.Fault_ != nil {
		return body
	}
	event := vmEvent(vm)
	postEvent(ctx, &types.VmGuestStandbyEvent{VmEvent: event}, &types.VmSuspendedEvent{VmEvent: event})
	setVMPowerState(vm, types.VirtualMachinePowerStateSuspended)
	body.Res = &types.StandbyGuestResponse{}
	return body
}

// Placement helpers for MigrateVM_Task, RelocateVM_Task and reverts.

// poolMO returns the ResourcePool part of a ResourcePool or VirtualApp.
func poolMO(obj mo.Reference) *mo.ResourcePool {
	switch p := obj.(type) {
	case *simulator.ResourcePool:
		return &p.ResourcePool
	case *simulator.VirtualApp:
		return &p.ResourcePool
	}
	return nil
}

// computeResourceHosts returns the hosts of a ComputeResource or ClusterComputeResource and whether it is a
// cluster with DRS enabled.
func computeResourceHosts(ref types.ManagedObjectReference) (hosts []types.ManagedObjectReference, cluster, drs bool) {
	switch cr := simulator.Map.Get(ref).(type) {
	case *simulator.ClusterComputeResource:
		if cfg, ok := cr.ConfigurationEx.(*types.ClusterConfigInfoEx); ok && cfg.DrsConfig.Enabled != nil {
			drs = *cfg.DrsConfig.Enabled
		}
		return cr.Host, true, drs
	case *mo.ComputeResource:
		return cr.Host, false, false
	}
	return nil, false, false
}

func containsRef(refs []types.ManagedObjectReference, ref types.ManagedObjectReference) bool {
	for _, r := range refs {
		if r == ref {
			return true
		}
	}
	return false
}

// hostUsable reports whether a VM can be placed on the host.
func hostUsable(ref types.ManagedObjectReference) bool {
	host, ok := simulator.Map.Get(ref).(*simulator.HostSystem)
	if !ok {
		return false
	}
	rt := host.Runtime
	return (rt.ConnectionState == "" || rt.ConnectionState == types.HostSystemConnectionStateConnected) &&
		(rt.PowerState == "" || rt.PowerState == types.HostSystemPowerStatePoweredOn) && !rt.InMaintenanceMode
}

// placement resolves the target host for a VM moving to the given pool, following MigrateVM_Task's rules (also
// CreateVM_Task's, ImportVApp's, MarkAsVirtualMachine's and CloneVM_Task's: see drs_placement.go). vm is nil for a
// VM yet to be created; hostArg is the method's host argument (nil when unset), property the name used in
// InvalidArgument faults.
func placement(vm *simulator.VirtualMachine, pool types.ManagedObjectReference, hostArg *types.ManagedObjectReference, property string) (types.ManagedObjectReference, types.BaseMethodFault) {
	rp := poolMO(simulator.Map.Get(pool))
	if rp == nil {
		return types.ManagedObjectReference{}, &types.InvalidArgument{InvalidProperty: "pool"}
	}
	hosts, cluster, drs := computeResourceHosts(rp.Owner)

	if hostArg != nil {
		if _, ok := simulator.Map.Get(*hostArg).(*simulator.HostSystem); !ok || !containsRef(hosts, *hostArg) {
			return types.ManagedObjectReference{}, &types.InvalidArgument{InvalidProperty: property}
		}
		if !hostUsable(*hostArg) {
			return types.ManagedObjectReference{}, &types.InvalidState{}
		}
		return *hostArg, nil
	}

	if !cluster {
		if len(hosts) == 0 {
			return types.ManagedObjectReference{}, &types.InvalidArgument{InvalidProperty: property}
		}
		if !hostUsable(hosts[0]) {
			return types.ManagedObjectReference{}, &types.InvalidState{}
		}
		return hosts[0], nil
	}
	if !drs {
		return types.ManagedObjectReference{}, &types.InvalidArgument{InvalidProperty: property}
	}
	if vm != nil && vm.Runtime.Host != nil && containsRef(hosts, *vm.Runtime.Host) && hostUsable(*vm.Runtime.Host) {
		return *vm.Runtime.Host, nil
	}
	for _, h := range hosts {
		if hostUsable(h) {
			return h, nil
		}
	}
	return types.ManagedObjectReference{}, &types.NoActiveHostInCluster{ComputeResource: rp.Owner}
}

// updateVMList adds or removes a VM in the vm list of a host, pool, vApp or datastore, under that object's lock.
func updateVMList(ref, vm types.ManagedObjectReference, add bool) {
	obj := simulator.Map.Get(ref)
	if obj == nil {
		return
	}
	simulator.Map.WithLock(obj, func() {
		var list []types.ManagedObjectReference
		switch o := obj.(type) {
		case *simulator.HostSystem:
			list = o.Vm
		case *simulator.Datastore:
			list = o.Vm
		default:
			rp := poolMO(obj)
			if rp == nil {
				return
			}
			list = rp.Vm
		}
		if add {
			list = withRef(list, vm)
		} else {
			list = withoutRef(list, vm)
		}
		simulator.Map.Update(obj, []types.PropertyChange{{Name: "vm", Val: list}})
	})
}

// relinkVM moves a VM (whose lock the caller holds) to a host and pool, keeping the inverse lists in step.
func relinkVM(vm *simulator.VirtualMachine, host, pool *types.ManagedObjectReference) {
	var changes []types.PropertyChange
	if host != nil && (vm.Runtime.Host == nil || *vm.Runtime.Host != *host) {
		if old := vm.Runtime.Host; old != nil {
			updateVMList(*old, vm.Self, false)
		}
		updateVMList(*host, vm.Self, true)
		changes = append(changes,
			types.PropertyChange{Name: "runtime.host", Val: *host},
			types.PropertyChange{Name: "summary.runtime.host", Val: *host})
	}
	if pool != nil && (vm.ResourcePool == nil || *vm.ResourcePool != *pool) {
		if old := vm.ResourcePool; old != nil {
			updateVMList(*old, vm.Self, false)
		}
		updateVMList(*pool, vm.Self, true)
		changes = append(changes, types.PropertyChange{Name: "resourcePool", Val: *pool})
	}
	if len(changes) != 0 {
		simulator.Map.Update(vm, changes)
	}
}

// relinkDatastores sets the VM's datastores, keeping datastore.vm lists in step.
func relinkDatastores(vm *simulator.VirtualMachine, datastores []types.ManagedObjectReference) {
	for _, old := range vm.Datastore {
		if !containsRef(datastores, old) {
			updateVMList(old, vm.Self, false)
		}
	}
	for _, ds := range datastores {
		if !containsRef(vm.Datastore, ds) {
			updateVMList(ds, vm.Self, true)
		}
	}
	simulator.Map.Update(vm, []types.PropertyChange{{Name: "datastore", Val: append([]types.ManagedObjectReference(nil), datastores...)}})
}

// diskIndex is the index of the VM's virtual disk with the key, or -1.
func diskIndex(vm *simulator.VirtualMachine, key int32) int {
	for i, device := range vm.Config.Hardware.Device {
		if _, ok := device.(*types.VirtualDisk); ok && device.GetVirtualDevice().Key == key {
			return i
		}
	}
	return -1
}

// convertDisks gives each disk that a locator gives a flat backing for that backing's format, on a copy of the
// device list (published values are never changed in place). Keys were checked by relocateVM.
func convertDisks(vm *simulator.VirtualMachine, locators []types.VirtualMachineRelocateSpecDiskLocator) {
	devices := append([]types.BaseVirtualDevice(nil), vm.Config.Hardware.Device...)
	changed := false
	for _, locator := range locators {
		asked, ok := locator.DiskBackingInfo.(*types.VirtualDiskFlatVer2BackingInfo)
		index := diskIndex(vm, locator.DiskId)
		if !ok || index < 0 {
			continue
		}
		disk := *devices[index].(*types.VirtualDisk)
		current, ok := disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo)
		if !ok {
			continue
		}
		backing := *current
		backing.ThinProvisioned = asked.ThinProvisioned
		backing.EagerlyScrub = asked.EagerlyScrub
		if asked.DiskMode != "" {
			backing.DiskMode = asked.DiskMode
		}
		disk.Backing = &backing
		devices[index] = &disk
		changed = true
	}
	if changed {
		simulator.Map.Update(vm, []types.PropertyChange{{Name: "config.hardware.device", Val: devices}})
	}
}

func validPriority(p types.VirtualMachineMovePriority) bool {
	switch p {
	case "", types.VirtualMachineMovePriorityDefaultPriority, types.VirtualMachineMovePriorityHighPriority,
		types.VirtualMachineMovePriorityLowPriority:
		return true
	}
	return false
}

func (vmRoutes) MigrateVMTask(ctx *simulator.Context, req *types.MigrateVM_Task) soap.HasFault {
	body := &methods.MigrateVM_TaskBody{}
	if body.Fault_ = missingRef(req.Pool, req.Host); body.Fault_ != nil {
		return body
	}
	vm := getVM(req.This)
	ref := vmTask(ctx, vm, vm.Self, "MigrateVM_Task", "VirtualMachine.migrate", true,
		func(*simulator.Context) (types.AnyType, types.BaseMethodFault) {
			if vm.Config != nil && vm.Config.Template {
				return nil, &types.NotSupported{}
			}
			if !validPriority(req.Priority) {
				return nil, &types.InvalidArgument{InvalidProperty: "priority"}
			}
			if req.State != "" && req.State != vm.Runtime.PowerState {
				return nil, &types.InvalidPowerState{RequestedState: req.State, ExistingState: vm.Runtime.PowerState}
			}
			pool := vm.ResourcePool
			if req.Pool != nil {
				pool = req.Pool
			}
			if pool == nil || poolMO(simulator.Map.Get(*pool)) == nil {
				return nil, &types.InvalidArgument{InvalidProperty: "pool"}
			}
			host, err := placement(vm, *pool, req.Host, "host")
			if err != nil {
				return nil, err
			}
			relinkVM(vm, &host, pool)
			return nil, nil
		})
	body.Res = &types.MigrateVM_TaskResponse{Returnval: ref}
	return body
}

func (vmRoutes) RelocateVMTask(ctx *simulator.Context, req *types.RelocateVM_Task) soap.HasFault {
	body := &methods.RelocateVM_TaskBody{}
	spec := req.Spec
	refs := []*types.ManagedObjectReference{spec.Datastore, spec.Pool, spec.Host, spec.Folder}
	for i := range spec.Disk {
		refs = append(refs, &spec.Disk[i].Datastore)
	}
	if body.Fault_ = missingRef(refs...); body.Fault_ != nil {
		return body
	}
	vm := getVM(req.This)
	ref := vmTask(ctx, vm, vm.Self, "RelocateVM_Task", "VirtualMachine.relocate", true,
		func(c *simulator.Context) (types.AnyType, types.BaseMethodFault) {
			return nil, relocateVM(c, vm, spec, req.Priority)
		})
	body.Res = &types.RelocateVM_TaskResponse{Returnval: ref}
	return body
}

func relocateVM(ctx *simulator.Context, vm *simulator.VirtualMachine, spec types.VirtualMachineRelocateSpec, priority types.VirtualMachineMovePriority) types.BaseMethodFault {
	if !validPriority(priority) {
		return &types.InvalidArgument{InvalidProperty: "priority"}
	}
	if spec.Datastore != nil {
		if _, ok := simulator.Map.Get(*spec.Datastore).(*simulator.Datastore); !ok {
			return &types.InvalidArgument{InvalidProperty: "spec.datastore"}
		}
	}
	for _, disk := range spec.Disk {
		if _, ok := simulator.Map.Get(disk.Datastore).(*simulator.Datastore); !ok {
			return &types.InvalidArgument{InvalidProperty: "spec.disk.datastore"}
		}
		if diskIndex(vm, disk.DiskId) < 0 {
			return &types.InvalidArgument{InvalidProperty: "spec.disk.diskId"}
		}
	}
	var folder *simulator.Folder
	if spec.Folder != nil {
		f, ok := simulator.Map.Get(*spec.Folder).(*simulator.Folder)
		if !ok {
			return &types.InvalidArgument{InvalidProperty: "spec.folder"}
		}
		folder = f
	}
	if spec.Pool != nil && poolMO(simulator.Map.Get(*spec.Pool)) == nil {
		return &types.InvalidArgument{InvalidProperty: "spec.pool"}
	}
	if spec.Host != nil {
		if _, ok := simulator.Map.Get(*spec.Host).(*simulator.HostSystem); !ok {
			return &types.InvalidArgument{InvalidProperty: "spec.host"}
		}
	}

	// Resolve the placement: a pool in another compute resource needs a host there (or DRS); a host in another
	// compute resource needs a pool there.
	var host, pool *types.ManagedObjectReference
	switch {
	case spec.Pool != nil:
		h, err := placement(vm, *spec.Pool, spec.Host, "spec.host")
		if err != nil {
			return err
		}
		host, pool = &h, spec.Pool
	case spec.Host != nil && vm.ResourcePool != nil:
		if _, err := placement(vm, *vm.ResourcePool, spec.Host, "spec.pool"); err != nil {
			return err
		}
		host = spec.Host
	case spec.Host != nil:
		if !hostUsable(*spec.Host) {
			return &types.InvalidState{}
		}
		host = spec.Host
	}

	relinkVM(vm, host, pool)

	if spec.Datastore != nil || len(spec.Disk) != 0 {
		var datastores []types.ManagedObjectReference
		if spec.Datastore != nil {
			datastores = append(datastores, *spec.Datastore)
		} else {
			datastores = append(datastores, vm.Datastore...)
		}
		for _, disk := range spec.Disk {
			datastores = withRef(datastores, disk.Datastore)
		}
		relinkDatastores(vm, datastores)
		convertDisks(vm, spec.Disk)
	}

	if folder != nil && (vm.Parent == nil || *vm.Parent != folder.Self) {
		_, err := runStockTask(func() soap.HasFault {
			return folder.MoveIntoFolderTask(ctx, &types.MoveIntoFolder_Task{This: folder.Self, List: []types.ManagedObjectReference{vm.Self}})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Snapshots

// copySnapshotTree copies a snapshot tree, so that published values are never changed in place.
func copySnapshotTree(tree []types.VirtualMachineSnapshotTree) []types.VirtualMachineSnapshotTree {
	if tree == nil {
		return nil
	}
	out := make([]types.VirtualMachineSnapshotTree, len(tree))
	for i, node := range tree {
		out[i] = node
		out[i].ChildSnapshotList = copySnapshotTree(node.ChildSnapshotList)
	}
	return out
}

func findSnapshotNode(tree []types.VirtualMachineSnapshotTree, ref types.ManagedObjectReference) *types.VirtualMachineSnapshotTree {
	for i := range tree {
		if tree[i].Snapshot == ref {
			return &tree[i]
		}
		if node := findSnapshotNode(tree[i].ChildSnapshotList, ref); node != nil {
			return node
		}
	}
	return nil
}

func (vmRoutes) CreateSnapshotTask(ctx *simulator.Context, req *types.CreateSnapshot_Task) soap.HasFault {
	vm := getVM(req.This)
	poweredOn := vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn
	finish := func(snapshot types.ManagedObjectReference) {
		completeSnapshot(vm, snapshot, req.Memory || !poweredOn)
	}

	if vmTaskDelay(vm) == 0 {
		body, ok := vm.CreateSnapshotTask(req).(*methods.CreateSnapshot_TaskBody)
		if ok && body.Res != nil {
			if task, ok := simulator.Map.Get(body.Res.Returnval).(*simulator.Task); ok && task.Info.Error == nil {
				if ref, ok := task.Info.Result.(types.ManagedObjectReference); ok {
					finish(ref)
				}
			}
		}
		return body
	}

	ref := vmTask(ctx, vm, vm.Self, "CreateSnapshot_Task", "VirtualMachine.createSnapshot", true,
		func(*simulator.Context) (types.AnyType, types.BaseMethodFault) {
			poweredOn = vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn
			res, err := runStockTask(func() soap.HasFault { return vm.CreateSnapshotTask(req) })
			if err == nil {
				if snapshot, ok := res.(types.ManagedObjectReference); ok {
					finish(snapshot)
				}
			}
			return res, err
		})
	return &methods.CreateSnapshot_TaskBody{Res: &types.CreateSnapshot_TaskResponse{Returnval: ref}}
}

// completeSnapshot replaces the stock snapshot's shallow config copy with a deep copy, records the power state a
// revert restores (poweredOff for a snapshot without memory of a running VM) and publishes the tree.
func completeSnapshot(vm *simulator.VirtualMachine, ref types.ManagedObjectReference, keepState bool) {
	if snapshot, ok := simulator.Map.Get(ref).(*simulator.VirtualMachineSnapshot); ok && vm.Config != nil {
		var config types.VirtualMachineConfigInfo
		if err := deepCopy(vm.Config, &config); err == nil {
			simulator.Map.Update(snapshot, []types.PropertyChange{{Name: "config", Val: config}})
		}
	}
	if vm.Snapshot == nil {
		return
	}
	tree := copySnapshotTree(vm.Snapshot.RootSnapshotList)
	if node := findSnapshotNode(tree, ref); node != nil && !keepState {
		node.State = types.VirtualMachinePowerStatePoweredOff
	}
	simulator.Map.Update(vm, []types.PropertyChange{{Name: "snapshot.rootSnapshotList", Val: tree}})
}

// revertVM restores a VM (whose lock the caller holds) to a snapshot.
func revertVM(vm *simulator.VirtualMachine, ref types.ManagedObjectReference, hostArg *types.ManagedObjectReference, suppressPowerOn *bool) types.BaseMethodFault {
	snapshot, ok := simulator.Map.Get(ref).(*simulator.VirtualMachineSnapshot)
	if !ok || vm.Snapshot == nil {
		return &types.NotFound{}
	}
	node := findSnapshotNode(vm.Snapshot.RootSnapshotList, ref)
	if node == nil {
		return &types.NotFound{}
	}
	if hostArg != nil {
		if _, ok := simulator.Map.Get(*hostArg).(*simulator.HostSystem); !ok {
			return &types.InvalidArgument{InvalidProperty: "host"}
		}
	}

	var config types.VirtualMachineConfigInfo
	if err := deepCopy(&snapshot.Config, &config); err != nil || config.Hardware.Device == nil {
		return &types.InvalidState{}
	}

	target := node.State
	if target == types.VirtualMachinePowerStatePoweredOn && suppressPowerOn != nil && *suppressPowerOn {
		target = types.VirtualMachinePowerStatePoweredOff
	}

	if hostArg != nil && target == types.VirtualMachinePowerStatePoweredOn &&
		vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn && vm.ResourcePool != nil {
		host, err := placement(vm, *vm.ResourcePool, hostArg, "host")
		if err != nil {
			return err
		}
		relinkVM(vm, &host, nil)
	}

	hw := config.Hardware
	simulator.Map.Update(vm, []types.PropertyChange{
		{Name: "config.hardware.numCPU", Val: hw.NumCPU},
		{Name: "config.hardware.numCoresPerSocket", Val: hw.NumCoresPerSocket},
		{Name: "config.hardware.memoryMB", Val: hw.MemoryMB},
		{Name: "config.hardware.device", Val: hw.Device},
		{Name: "summary.config.numCpu", Val: hw.NumCPU},
		{Name: "summary.config.memorySizeMB", Val: hw.MemoryMB},
		{Name: "snapshot.currentSnapshot", Val: ref},
	})
	if target != vm.Runtime.PowerState {
		setVMPowerState(vm, target)
	}
	return nil
}

func (vmRoutes) RevertToCurrentSnapshotTask(ctx *simulator.Context, req *types.RevertToCurrentSnapshot_Task) soap.HasFault {
	body := &methods.RevertToCurrentSnapshot_TaskBody{}
	vm := getVM(req.This)
	if vm.Snapshot == nil || vm.Snapshot.CurrentSnapshot == nil {
		body.Fault_ = fault("snapshot not found", &types.NotFound{})
		return body
	}
	if body.Fault_ = missingRef(req.Host); body.Fault_ != nil {
		return body
	}
	ref := vmTask(ctx, vm, vm.Self, "RevertToCurrentSnapshot_Task", "VirtualMachine.revertToCurrentSnapshot", false,
		func(*simulator.Context) (types.AnyType, types.BaseMethodFault) {
			if vm.Snapshot == nil || vm.Snapshot.CurrentSnapshot == nil {
				return nil, &types.NotFound{}
			}
			return nil, revertVM(vm, *vm.Snapshot.CurrentSnapshot, req.Host, req.SuppressPowerOn)
		})
	body.Res = &types.RevertToCurrentSnapshot_TaskResponse{Returnval: ref}
	return body
}

type snapshotRoutes struct{}

func snapshotVM(ref types.ManagedObjectReference) (*simulator.VirtualMachineSnapshot, *simulator.VirtualMachine) {
	snapshot, ok := simulator.Map.Get(ref).(*simulator.VirtualMachineSnapshot)
	if !ok {
		return nil, nil
	}
	return snapshot, getVM(snapshot.Vm)
}

func (snapshotRoutes) RevertToSnapshotTask(ctx *simulator.Context, req *types.RevertToSnapshot_Task) soap.HasFault {
	body := &methods.RevertToSnapshot_TaskBody{}
	_, vm := snapshotVM(req.This)
	if vm == nil {
		return nil
	}
	if body.Fault_ = missingRef(req.Host); body.Fault_ != nil {
		return body
	}
	ref := vmTask(ctx, vm, req.This, "RevertToSnapshot_Task", "vm.Snapshot.revert", false,
		func(*simulator.Context) (res types.AnyType, err types.BaseMethodFault) {
			simulator.Map.WithLock(vm, func() { err = revertVM(vm, req.This, req.Host, req.SuppressPowerOn) })
			return nil, err
		})
	body.Res = &types.RevertToSnapshot_TaskResponse{Returnval: ref}
	return body
}

func (snapshotRoutes) RenameSnapshot(ctx *simulator.Context, req *types.RenameSnapshot) soap.HasFault {
	body := &methods.RenameSnapshotBody{}
	_, vm := snapshotVM(req.This)
	if vm == nil {
		return nil
	}
	if req.Name == "" && req.Description == "" {
		body.Fault_ = fault("A specified parameter was not correct: name", &types.InvalidArgument{InvalidProperty: "name"})
		return body
	}
	simulator.Map.WithLock(vm, func() {
		if vm.Snapshot == nil {
			body.Fault_ = fault("The operation is not allowed in the current state.", &types.InvalidState{})
			return
		}
		tree := copySnapshotTree(vm.Snapshot.RootSnapshotList)
		node := findSnapshotNode(tree, req.This)
		if node == nil {
			body.Fault_ = fault("The operation is not allowed in the current state.", &types.InvalidState{})
			return
		}
		if req.Name != "" {
			node.Name = req.Name
		}
		if req.Description != "" {
			node.Description = req.Description
		}
		simulator.Map.Update(vm, []types.PropertyChange{{Name: "snapshot.rootSnapshotList", Val: tree}})
	})
	if body.Fault_ == nil {
		body.Res = &types.RenameSnapshotResponse{}
	}
	return body
}

func (snapshotRoutes) RemoveSnapshotTask(ctx *simulator.Context, req *types.RemoveSnapshot_Task) soap.HasFault {
	snapshot, vm := snapshotVM(req.This)
	if vm == nil || vmTaskDelay(vm) == 0 {
		return nil
	}
	ref := vmTask(ctx, vm, req.This, "RemoveSnapshot_Task", "vm.Snapshot.remove", false,
		func(c *simulator.Context) (types.AnyType, types.BaseMethodFault) {
			return runStockTask(func() soap.HasFault { return snapshot.RemoveSnapshotTask(c, req) })
		})
	return &methods.RemoveSnapshot_TaskBody{Res: &types.RemoveSnapshot_TaskResponse{Returnval: ref}}
}

// Stock VM tasks, delayed when a task delay applies.

// delayStock runs a stock VM method as a background task when the VM has a task delay; it returns nil (the stock
// method answers) otherwise.
func delayStock(ctx *simulator.Context, this types.ManagedObjectReference, name, descID string, cancelable bool,
	call func(c *simulator.Context, vm *simulator.VirtualMachine) soap.HasFault) *types.ManagedObjectReference {
	vm := getVM(this)
	if vm == nil || vmTaskDelay(vm) == 0 {
		return nil
	}
	ref := vmTask(ctx, vm, vm.Self, name, descID, cancelable,
		func(c *simulator.Context) (types.AnyType, types.BaseMethodFault) {
			return runStockTask(func() soap.HasFault { return call(c, vm) })
		})
	return &ref
}

func (vmRoutes) PowerOnVMTask(ctx *simulator.Context, req *types.PowerOnVM_Task) soap.HasFault {
	if vm := getVM(req.This); vm != nil && vm.Config != nil && vm.Config.Template {
		return nil // the stock method refuses at once
	}
	ref := delayStock(ctx, req.This, "PowerOnVM_Task", "VirtualMachine.powerOn", false,
		func(c *simulator.Context, vm *simulator.VirtualMachine) soap.HasFault {
			return vm.PowerOnVMTask(c, req)
		})
	if ref == nil {
		return nil
	}
	return &methods.PowerOnVM_TaskBody{Res: &types.PowerOnVM_TaskResponse{Returnval: *ref}}
}

func (vmRoutes) PowerOffVMTask(ctx *simulator.Context, req *types.PowerOffVM_Task) soap.HasFault {
	ref := delayStock(ctx, req.This, "PowerOffVM_Task", "VirtualMachine.powerOff", false,
		func(c *simulator.Context, vm *simulator.VirtualMachine) soap.HasFault {
			return vm.PowerOffVMTask(c, req)
		})
	if ref == nil {
		return nil
	}
	return &methods.PowerOffVM_TaskBody{Res: &types.PowerOffVM_TaskResponse{Returnval: *ref}}
}

func (vmRoutes) SuspendVMTask(ctx *simulator.Context, req *types.SuspendVM_Task) soap.HasFault {
	ref := delayStock(ctx, req.This, "SuspendVM_Task", "VirtualMachine.suspend", false,
		func(c *simulator.Context, vm *simulator.VirtualMachine) soap.HasFault {
			return vm.SuspendVMTask(c, req)
		})
	if ref == nil {
		return nil
	}
	return &methods.SuspendVM_TaskBody{Res: &types.SuspendVM_TaskResponse{Returnval: *ref}}
}

func (vmRoutes) ResetVMTask(ctx *simulator.Context, req *types.ResetVM_Task) soap.HasFault {
	ref := delayStock(ctx, req.This, "ResetVM_Task", "VirtualMachine.reset", false,
		func(c *simulator.Context, vm *simulator.VirtualMachine) soap.HasFault { return vm.ResetVMTask(c, req) })
	if ref == nil {
		return nil
	}
	return &methods.ResetVM_TaskBody{Res: &types.ResetVM_TaskResponse{Returnval: *ref}}
}

func (vmRoutes) ReconfigVMTask(ctx *simulator.Context, req *types.ReconfigVM_Task) soap.HasFault {
	ref := lockedTrayReconfig(ctx, req)
	if ref == nil {
		ref = delayStock(ctx, req.This, "ReconfigVM_Task", "VirtualMachine.reconfigure", false,
			func(c *simulator.Context, vm *simulator.VirtualMachine) soap.HasFault {
				return vm.ReconfigVMTask(c, req)
			})
	}
	if ref == nil {
		return nil
	}
	return &methods.ReconfigVM_TaskBody{Res: &types.ReconfigVM_TaskResponse{Returnval: *ref}}
}

func (vmRoutes) CloneVMTask(ctx *simulator.Context, req *types.CloneVM_Task) soap.HasFault {
	source := getVM(req.This)
	host, err := clonePlacement(source, req.Spec.Location)
	if err != nil {
		return failedCloneTask(source, err)
	}
	ref := delayStock(ctx, req.This, "CloneVM_Task", "VirtualMachine.clone", true,
		func(c *simulator.Context, vm *simulator.VirtualMachine) soap.HasFault {
			return cloneOnto(c, vm, req, host)
		})
	if ref == nil {
		return cloneOnto(ctx, source, req, host)
	}
	return &methods.CloneVM_TaskBody{Res: &types.CloneVM_TaskResponse{Returnval: *ref}}
}

func (vmRoutes) DestroyTask(ctx *simulator.Context, req *types.Destroy_Task) soap.HasFault {
	ref := delayStock(ctx, req.This, "Destroy_Task", "VirtualMachine.destroy", false,
		func(c *simulator.Context, vm *simulator.VirtualMachine) soap.HasFault { return vm.DestroyTask(c, req) })
	if ref == nil {
		return nil
	}
	return &methods.Destroy_TaskBody{Res: &types.Destroy_TaskResponse{Returnval: *ref}}
}

func (vmRoutes) RemoveAllSnapshotsTask(ctx *simulator.Context, req *types.RemoveAllSnapshots_Task) soap.HasFault {
	ref := delayStock(ctx, req.This, "RemoveAllSnapshots_Task", "VirtualMachine.removeAllSnapshots", false,
		func(c *simulator.Context, vm *simulator.VirtualMachine) soap.HasFault {
			return vm.RemoveAllSnapshotsTask(c, req)
		})
	if ref == nil {
		return nil
	}
	return &methods.RemoveAllSnapshots_TaskBody{Res: &types.RemoveAllSnapshots_TaskResponse{Returnval: *ref}}
}

// ResourcePool.MoveIntoResourcePool

type poolRoutes struct{}

func (poolRoutes) MoveIntoResourcePool(ctx *simulator.Context, req *types.MoveIntoResourcePool) soap.HasFault {
	body := &methods.MoveIntoResourcePoolBody{}
	target := poolMO(simulator.Map.Get(req.This))
	if target == nil {
		return nil
	}
	refs := make([]*types.ManagedObjectReference, len(req.List))
	for i := range req.List {
		refs[i] = &req.List[i]
	}
	if body.Fault_ = missingRef(refs...); body.Fault_ != nil {
		return body
	}
	for _, ref := range req.List {
		if f := moveIntoPool(req.This, target, ref); f != nil {
			body.Fault_ = f
			return body
		}
	}
	body.Res = &types.MoveIntoResourcePoolResponse{}
	return body
}

func invalidList(ref types.ManagedObjectReference) *soap.Fault {
	return fault("A specified parameter was not correct: list", &types.InvalidArgument{InvalidProperty: "list"})
}

// moveIntoPool moves one VM or pool into the target pool; it locks each object it changes, one at a time.
func moveIntoPool(targetRef types.ManagedObjectReference, target *mo.ResourcePool, ref types.ManagedObjectReference) *soap.Fault {
	hosts, _, _ := computeResourceHosts(target.Owner)

	switch obj := simulator.Map.Get(ref).(type) {
	case *simulator.VirtualMachine:
		var f *soap.Fault
		simulator.Map.WithLock(obj, func() {
			if obj.ResourcePool == nil || obj.Runtime.Host == nil || !containsRef(hosts, *obj.Runtime.Host) {
				f = invalidList(ref) // a template, or a VM of another compute resource
				return
			}
			relinkVM(obj, nil, &targetRef)
		})
		return f

	default:
		pool := poolMO(obj)
		if pool == nil {
			return invalidList(ref)
		}
		if pool.Parent == nil || (pool.Parent.Type != "ResourcePool" && pool.Parent.Type != "VirtualApp") {
			return invalidList(ref) // the root resource pool cannot be moved
		}
		if pool.Owner != target.Owner {
			return invalidList(ref)
		}
		// The pool must not be the target or one of its ancestors.
		for cur := &targetRef; cur != nil; {
			if *cur == ref {
				return invalidList(ref)
			}
			p := poolMO(simulator.Map.Get(*cur))
			if p == nil {
				break
			}
			cur = p.Parent
		}
		if *pool.Parent == targetRef {
			return nil
		}
		for _, sibling := range target.ResourcePool {
			if e, ok := simulator.Map.Get(sibling).(mo.Entity); ok && e.Entity().Name == pool.Name {
				return fault("The name '"+pool.Name+"' already exists.", &types.DuplicateName{Name: pool.Name, Object: sibling})
			}
		}

		oldParent := *pool.Parent
		if old := simulator.Map.Get(oldParent); old != nil {
			simulator.Map.WithLock(old, func() {
				if p := poolMO(old); p != nil {
					simulator.Map.Update(old, []types.PropertyChange{{Name: "resourcePool", Val: withoutRef(p.ResourcePool, ref)}})
				}
			})
		}
		targetObj := simulator.Map.Get(targetRef)
		simulator.Map.WithLock(targetObj, func() {
			simulator.Map.Update(targetObj, []types.PropertyChange{{Name: "resourcePool", Val: withRef(target.ResourcePool, ref)}})
		})
		simulator.Map.WithLock(obj, func() {
			simulator.Map.Update(obj, []types.PropertyChange{{Name: "parent", Val: targetRef}})
		})
		return nil
	}
}
