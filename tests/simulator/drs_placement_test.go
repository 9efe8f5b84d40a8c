package main

import (
	"testing"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// placementEnv is the default model with its extensions: DC0_C0 (DRS) and DC0_NC0 (no DRS, hosts H0 and H1).
type placementEnv struct {
	*lcEnv
	noDRSPool, drsPool types.ManagedObjectReference
	h0, h1, drsHost    *object.HostSystem
	folder             *object.Folder
}

func newPlacementEnv(t *testing.T) *placementEnv {
	e := &placementEnv{lcEnv: newLCEnv(t)}
	e.noDRSPool = e.pool("DC0_NC0/Resources").Reference()
	e.drsPool = e.pool("DC0_C0/Resources").Reference()
	e.h0, e.h1 = e.host("DC0_NC0/DC0_NC0_H0"), e.host("DC0_NC0/DC0_NC0_H1")
	e.drsHost = e.host("DC0_C0/DC0_C0_H0")
	folders, err := object.NewDatacenter(e.client.Client, simulator.Map.Any("Datacenter").Reference()).Folders(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.folder = folders.VmFolder
	return e
}

func (e *placementEnv) ref(host *object.HostSystem) *types.ManagedObjectReference {
	r := host.Reference()
	return &r
}

func (e *placementEnv) maintenance(host *object.HostSystem) {
	e.t.Helper()
	e.wait(host.EnterMaintenanceMode(e.ctx, 0, false, nil))
	e.t.Cleanup(func() { _, _ = host.ExitMaintenanceMode(e.ctx, 0) })
}

func wantInvalidArgument(t *testing.T, what string, f types.BaseMethodFault, property string) {
	t.Helper()
	if ia, ok := f.(*types.InvalidArgument); !ok || ia.InvalidProperty != property {
		t.Fatalf("%s: got %T %+v, want InvalidArgument(%s)", what, f, f, property)
	}
}

func wantInvalidState(t *testing.T, what string, f types.BaseMethodFault) {
	t.Helper()
	if _, ok := f.(*types.InvalidState); !ok {
		t.Fatalf("%s: got %T %+v, want InvalidState", what, f, f)
	}
}

func (e *placementEnv) vmHost(ref types.ManagedObjectReference) types.ManagedObjectReference {
	e.t.Helper()
	var vm mo.VirtualMachine
	e.props(ref, &vm, "runtime.host")
	return *vm.Runtime.Host
}

func TestDefaultInventoryHasAClusterWithoutDRS(t *testing.T) {
	e := newPlacementEnv(t)
	var cluster mo.ClusterComputeResource
	nc, err := e.finder.ClusterComputeResource(e.ctx, "DC0_NC0")
	if err != nil {
		t.Fatal(err)
	}
	e.props(nc.Reference(), &cluster, "configurationEx", "host", "datastore", "network")
	if cfg := cluster.ConfigurationEx.(*types.ClusterConfigInfoEx); cfg.DrsConfig.Enabled == nil || *cfg.DrsConfig.Enabled {
		t.Fatal("DC0_NC0 has DRS enabled")
	}
	if len(cluster.Host) != 2 || len(cluster.Datastore) == 0 || len(cluster.Network) < 2 {
		t.Fatalf("DC0_NC0: hosts %v, datastores %v, networks %v", cluster.Host, cluster.Datastore, cluster.Network)
	}
	host := e.hostMO(e.h1, "datastore", "network", "runtime.connectionState")
	if len(host.Datastore) == 0 || len(host.Network) < 2 || host.Runtime.ConnectionState != types.HostSystemConnectionStateConnected {
		t.Fatalf("DC0_NC0_H1: datastores %v, networks %v, state %s", host.Datastore, host.Network, host.Runtime.ConnectionState)
	}
	var drs mo.ClusterComputeResource
	c0, err := e.finder.ClusterComputeResource(e.ctx, "DC0_C0")
	if err != nil {
		t.Fatal(err)
	}
	e.props(c0.Reference(), &drs, "configurationEx")
	if cfg := drs.ConfigurationEx.(*types.ClusterConfigInfoEx); cfg.DrsConfig.Enabled == nil || !*cfg.DrsConfig.Enabled {
		t.Fatal("DC0_C0 has DRS disabled")
	}
}

func (e *placementEnv) createVM(name string, pool types.ManagedObjectReference, host *types.ManagedObjectReference) (*object.Task, error) {
	spec := types.VirtualMachineConfigSpec{Name: name, GuestId: "otherGuest", Files: &types.VirtualMachineFileInfo{VmPathName: "[LocalDS_0]"}}
	var h *object.HostSystem
	if host != nil {
		h = object.NewHostSystem(e.client.Client, *host)
	}
	return e.folder.CreateVM(e.ctx, spec, object.NewResourcePool(e.client.Client, pool), h)
}

func TestCreateVMInAClusterWithoutDRSNeedsAHost(t *testing.T) {
	e := newPlacementEnv(t)
	wantInvalidArgument(t, "CreateVM_Task without a host", e.taskFault(e.createVM("no-host", e.noDRSPool, nil)), "host")
	wantInvalidArgument(t, "CreateVM_Task on a host of another cluster", e.taskFault(e.createVM("other", e.noDRSPool, e.ref(e.drsHost))), "host")
	e.maintenance(e.h0)
	wantInvalidState(t, "CreateVM_Task on a host in maintenance mode", e.taskFault(e.createVM("maint", e.noDRSPool, e.ref(e.h0))))

	task, err := e.createVM("on-h1", e.noDRSPool, e.ref(e.h1))
	if err != nil {
		t.Fatal(err)
	}
	info, err := task.WaitForResult(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.vmHost(info.Result.(types.ManagedObjectReference)); got != e.h1.Reference() {
		t.Fatalf("created on %s, want %s", got, e.h1.Reference())
	}
	// DRS chooses when the cluster has it.
	e.wait(e.createVM("drs", e.drsPool, nil))
}

func TestCloneVMIntoAClusterWithoutDRSNeedsAHost(t *testing.T) {
	e := newPlacementEnv(t)
	vm := e.vm("DC0_C0_RP0_VM0")
	clone := func(name string, location types.VirtualMachineRelocateSpec) (*object.Task, error) {
		return vm.Clone(e.ctx, e.folder, name, types.VirtualMachineCloneSpec{Location: location})
	}
	wantInvalidArgument(t, "CloneVM_Task into the pool without a host",
		e.taskFault(clone("no-host", types.VirtualMachineRelocateSpec{Pool: &e.noDRSPool})), "spec.location.host")
	wantInvalidArgument(t, "CloneVM_Task onto a host of another cluster",
		e.taskFault(clone("other", types.VirtualMachineRelocateSpec{Pool: &e.noDRSPool, Host: e.ref(e.drsHost)})), "spec.location.host")
	e.maintenance(e.h0)
	wantInvalidState(t, "CloneVM_Task onto a host in maintenance mode",
		e.taskFault(clone("maint", types.VirtualMachineRelocateSpec{Pool: &e.noDRSPool, Host: e.ref(e.h0)})))

	task, err := clone("on-h1", types.VirtualMachineRelocateSpec{Pool: &e.noDRSPool, Host: e.ref(e.h1)})
	if err != nil {
		t.Fatal(err)
	}
	info, err := task.WaitForResult(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref := info.Result.(types.ManagedObjectReference)
	if got := e.vmHost(ref); got != e.h1.Reference() {
		t.Fatalf("cloned onto %s, want %s (the location's host)", got, e.h1.Reference())
	}
	if !refsContain(e.hostMO(e.h1, "vm").Vm, ref) {
		t.Fatal("the clone's host does not list it")
	}
	// Without a pool the source's host is used, and DRS chooses in its cluster.
	e.wait(clone("same-place", types.VirtualMachineRelocateSpec{}))
	e.wait(clone("drs", types.VirtualMachineRelocateSpec{Pool: &e.drsPool}))
}

func TestRelocateAndMigrateIntoAClusterWithoutDRSNeedHost(t *testing.T) {
	e := newPlacementEnv(t)
	vm := e.vm("DC0_C0_RP0_VM0")
	wantInvalidArgument(t, "RelocateVM_Task into the pool without a host",
		e.taskFault(vm.Relocate(e.ctx, types.VirtualMachineRelocateSpec{Pool: &e.noDRSPool}, "")), "spec.host")
	pool := object.NewResourcePool(e.client.Client, e.noDRSPool)
	wantInvalidArgument(t, "MigrateVM_Task into the pool without a host",
		e.taskFault(vm.Migrate(e.ctx, pool, nil, types.VirtualMachineMovePriorityDefaultPriority, "")), "host")
	e.maintenance(e.h0)
	wantInvalidState(t, "RelocateVM_Task onto a host in maintenance mode",
		e.taskFault(vm.Relocate(e.ctx, types.VirtualMachineRelocateSpec{Pool: &e.noDRSPool, Host: e.ref(e.h0)}, "")))

	e.wait(vm.Relocate(e.ctx, types.VirtualMachineRelocateSpec{Pool: &e.noDRSPool, Host: e.ref(e.h1)}, ""))
	if got := e.vmHost(vm.Reference()); got != e.h1.Reference() {
		t.Fatalf("relocated onto %s, want %s", got, e.h1.Reference())
	}
	// Back into the DRS cluster without a host: DRS chooses.
	e.wait(vm.Migrate(e.ctx, object.NewResourcePool(e.client.Client, e.drsPool), nil, types.VirtualMachineMovePriorityDefaultPriority, ""))
}

func TestMarkAsVirtualMachineInAClusterWithoutDRSNeedsAHost(t *testing.T) {
	e := newPlacementEnv(t)
	vm := e.vm("DC0_C0_RP0_VM0")
	e.wait(vm.PowerOff(e.ctx))
	if err := vm.MarkAsTemplate(e.ctx); err != nil {
		t.Fatal(err)
	}
	pool := object.NewResourcePool(e.client.Client, e.noDRSPool)
	wantInvalidArgument(t, "MarkAsVirtualMachine without a host", faultOf(t, vm.MarkAsVirtualMachine(e.ctx, *pool, nil)), "host")
	wantInvalidArgument(t, "MarkAsVirtualMachine onto a host of another cluster", faultOf(t, vm.MarkAsVirtualMachine(e.ctx, *pool, e.drsHost)), "host")
	e.maintenance(e.h0)
	wantInvalidState(t, "MarkAsVirtualMachine onto a host in maintenance mode", faultOf(t, vm.MarkAsVirtualMachine(e.ctx, *pool, e.h0)))

	if err := vm.MarkAsVirtualMachine(e.ctx, *pool, e.h1); err != nil {
		t.Fatal(err)
	}
	m := e.vmMO(vm, "config.template", "resourcePool", "runtime.host")
	if m.Config.Template || *m.ResourcePool != e.noDRSPool || *m.Runtime.Host != e.h1.Reference() {
		t.Fatalf("after MarkAsVirtualMachine: template %v, pool %s, host %s", m.Config.Template, m.ResourcePool, m.Runtime.Host)
	}
	if !refsContain(e.hostMO(e.h1, "vm").Vm, vm.Reference()) || !refsContain(e.poolMO(e.noDRSPool, "vm").Vm, vm.Reference()) {
		t.Fatal("the host's or pool's vm list does not have the VM")
	}
	// Into the DRS cluster without a host: DRS chooses.
	if err := vm.MarkAsTemplate(e.ctx); err != nil {
		t.Fatal(err)
	}
	if err := vm.MarkAsVirtualMachine(e.ctx, *object.NewResourcePool(e.client.Client, e.drsPool), nil); err != nil {
		t.Fatal(err)
	}
	if host := e.vmHost(vm.Reference()); !refsContain(e.hostMO(object.NewHostSystem(e.client.Client, host), "vm").Vm, vm.Reference()) {
		t.Fatal("the DRS host does not list the VM")
	}
}

func TestImportVAppIntoAClusterWithoutDRSNeedsAHost(t *testing.T) {
	e := newPlacementEnv(t)
	pool := object.NewResourcePool(e.client.Client, e.noDRSPool)
	spec := func(name string) types.BaseImportSpec {
		return &types.VirtualMachineImportSpec{ConfigSpec: types.VirtualMachineConfigSpec{
			Name: name, GuestId: "otherGuest", Files: &types.VirtualMachineFileInfo{VmPathName: "[LocalDS_0]"},
		}}
	}
	_, err := pool.ImportVApp(e.ctx, spec("no-host"), e.folder, nil)
	wantInvalidArgument(t, "ImportVApp without a host", faultOf(t, err), "host")
	_, err = pool.ImportVApp(e.ctx, spec("other"), e.folder, e.drsHost)
	wantInvalidArgument(t, "ImportVApp onto a host of another cluster", faultOf(t, err), "host")
	e.maintenance(e.h0)
	_, err = pool.ImportVApp(e.ctx, spec("maint"), e.folder, e.h0)
	wantInvalidState(t, "ImportVApp onto a host in maintenance mode", faultOf(t, err))

	lease, err := pool.ImportVApp(e.ctx, spec("on-h1"), e.folder, e.h1)
	if err != nil {
		t.Fatal(err)
	}
	info, err := lease.Wait(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.vmHost(info.Entity); got != e.h1.Reference() {
		t.Fatalf("imported onto %s, want %s", got, e.h1.Reference())
	}
	_ = lease.Abort(e.ctx, nil)
	if _, err := object.NewResourcePool(e.client.Client, e.drsPool).ImportVApp(e.ctx, spec("drs"), e.folder, nil); err != nil {
		t.Fatalf("ImportVApp into the DRS cluster without a host: %v", err)
	}
}
