package main

// Clusters without DRS need a host, as vCenter requires (vSphere API reference):
//
//   - Folder.CreateVM_Task(config, pool, host?), ResourcePool.ImportVApp(spec, folder?, host?) and
//     VirtualMachine.MarkAsVirtualMachine(pool, host?): "host ... must specify a host that is a member of the
//     ComputeResource indirectly specified by the pool. For a stand-alone host or a cluster with DRS, it can be
//     omitted and the system selects a default." Into a pool of a cluster whose configurationEx.drsConfig.enabled is
//     not true, without a host: InvalidArgument (invalidProperty "host"). A host outside the pool's compute resource:
//     InvalidArgument ("host"). A host that is disconnected, powered off or in maintenance mode: InvalidState ("if
//     the operation is not allowed in current state of the entities involved").
//   - VirtualMachine.CloneVM_Task(folder, name, spec): spec.location.host (VirtualMachineRelocateSpec.host) "If not
//     specified, if resource pool is not specified, current host is used; if resource pool is specified, and the
//     target pool represents a stand-alone host, the host is used; ... a DRS-enabled cluster, a host selected by DRS
//     is used; ... a cluster without DRS enabled, an InvalidArgument exception be thrown." The same checks, with
//     "spec.location.host" as the property; the clone is registered on the host chosen (the stock clone always lands
//     on the source's host, whatever the location says). Faults are the clone task's error, as vCenter reports them.
//   - RelocateVM_Task and MigrateVM_Task: the same rule, in vm_lifecycle.go (placement).
//
// CreateVM_Task faults are the task's error; ImportVApp and MarkAsVirtualMachine are not tasks and fault at once.
//
// The default inventory gains clusters without DRS: -nodrs-cluster (default 1) per datacenter, named
// <datacenter>_NC<n>, each with -nodrs-cluster-host hosts (default 2, named <cluster>_H<n>), no VMs, every datastore
// of the datacenter mounted and every distributed switch joined, like the model's own cluster hosts. An ESXi host
// (-esx) has no clusters: none are added.

import (
	"context"
	"flag"
	"fmt"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

var (
	nonDRSClusters     = flag.Int("nodrs-cluster", 1, "clusters without DRS per datacenter (<dc>_NC<n>, no VMs)")
	nonDRSClusterHosts = flag.Int("nodrs-cluster-host", 2, "hosts per cluster without DRS")
)

func init() {
	routeMethods("Folder", folderPlacementRoutes{})
	routeMethods("VirtualMachine", templatePlacementRoutes{})
	extensions = append(extensions, addNonDRSClusters)
}

type folderPlacementRoutes struct{}

// CreateVMTask refuses a placement vCenter refuses, as the task's error; otherwise the stock method runs.
func (folderPlacementRoutes) CreateVMTask(ctx *simulator.Context, req *types.CreateVM_Task) soap.HasFault {
	if missingRef(&req.Pool, req.Host) != nil {
		return nil // the stock method reports unknown references
	}
	if _, err := placement(nil, req.Pool, req.Host, "host"); err != nil {
		folder := simulator.Map.Get(req.This)
		task := simulator.CreateTask(folder, "createVm", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
			return nil, err
		})
		return &methods.CreateVM_TaskBody{Res: &types.CreateVM_TaskResponse{Returnval: task.Run()}}
	}
	return nil
}

type templatePlacementRoutes struct{}

// MarkAsVirtualMachine turns a template into a VM of the pool, on the host given or the one the rule selects,
// keeping the pool's and hosts' vm lists in step (the stock method changes the fields without publishing them).
func (templatePlacementRoutes) MarkAsVirtualMachine(ctx *simulator.Context, req *types.MarkAsVirtualMachine) soap.HasFault {
	body := &methods.MarkAsVirtualMachineBody{}
	if body.Fault_ = missingRef(&req.Pool, req.Host); body.Fault_ != nil {
		return body
	}
	vm := getVM(req.This)
	if vm == nil || vm.Config == nil || !vm.Config.Template {
		return nil // the stock method refuses a VM that is no template
	}
	if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOff {
		return nil // and one that is not powered off
	}
	host, err := placement(vm, req.Pool, req.Host, "host")
	if err != nil {
		body.Fault_ = fault("", err)
		return body
	}
	simulator.Map.Update(vm, []types.PropertyChange{
		{Name: "config.template", Val: false},
		{Name: "summary.config.template", Val: false},
	})
	relinkVM(vm, &host, &req.Pool)
	body.Res = &types.MarkAsVirtualMachineResponse{}
	return body
}

// clonePlacement is the host a clone goes to under CloneVM_Task's rule, or the fault vCenter gives.
func clonePlacement(vm *simulator.VirtualMachine, location types.VirtualMachineRelocateSpec) (*types.ManagedObjectReference, types.BaseMethodFault) {
	if missingRef(location.Pool, location.Host) != nil {
		return nil, nil // the stock method reports unknown references
	}
	pool := location.Pool
	if pool == nil {
		if location.Host == nil {
			return vm.Runtime.Host, nil // "if resource pool is not specified, current host is used"
		}
		pool = vm.ResourcePool
	}
	if pool == nil {
		return nil, nil // a template's clone needs a pool: the stock method says so
	}
	host, err := placement(vm, *pool, location.Host, "spec.location.host")
	if err != nil {
		return nil, err
	}
	return &host, nil
}

// cloneOnto runs the stock clone, then registers the clone on host.
func cloneOnto(ctx *simulator.Context, vm *simulator.VirtualMachine, req *types.CloneVM_Task, host *types.ManagedObjectReference) soap.HasFault {
	res := vm.CloneVMTask(ctx, req)
	body, ok := res.(*methods.CloneVM_TaskBody)
	if !ok || body.Res == nil || host == nil {
		return res
	}
	task, ok := simulator.Map.Get(body.Res.Returnval).(*simulator.Task)
	if !ok || task.Info.Error != nil {
		return res
	}
	if ref, ok := task.Info.Result.(types.ManagedObjectReference); ok {
		if clone := getVM(ref); clone != nil {
			simulator.Map.WithLock(clone, func() { relinkVM(clone, host, nil) })
		}
	}
	return res
}

// failedCloneTask is a clone task that ended with err.
func failedCloneTask(vm *simulator.VirtualMachine, err types.BaseMethodFault) soap.HasFault {
	task := simulator.CreateTask(vm, "cloneVm", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) { return nil, err })
	return &methods.CloneVM_TaskBody{Res: &types.CloneVM_TaskResponse{Returnval: task.Run()}}
}

// poolPlacementFault is the fault of ImportVApp into pool with host, or nil.
func poolPlacementFault(pool types.ManagedObjectReference, host *types.ManagedObjectReference) *soap.Fault {
	if missingRef(&pool, host) != nil {
		return nil
	}
	if _, err := placement(nil, pool, host, "host"); err != nil {
		return fault("", err)
	}
	return nil
}

// addNonDRSClusters adds the clusters without DRS to every datacenter of a vCenter model.
func addNonDRSClusters(model *simulator.Model) {
	if simulator.Map.IsESX() || *nonDRSClusters <= 0 {
		return
	}
	ctx := &simulator.Context{
		Context: context.Background(),
		Session: &simulator.Session{UserSession: types.UserSession{Key: "mcvsphere-setup"}, Registry: simulator.NewRegistry()},
		Map:     simulator.Map,
	}
	for _, entity := range simulator.Map.All("Datacenter") {
		dc, ok := entity.(*simulator.Datacenter)
		if !ok {
			continue
		}
		hostFolder, ok := simulator.Map.Get(dc.HostFolder).(*simulator.Folder)
		if !ok {
			continue
		}
		for n := 0; n < *nonDRSClusters; n++ {
			name := fmt.Sprintf("%s_NC%d", dc.Name, n)
			cluster, err := simulator.CreateClusterComputeResource(ctx, hostFolder, name, types.ClusterConfigSpecEx{})
			if err != nil {
				panic(fmt.Sprintf("creating cluster %s: %T", name, err))
			}
			if cfg, ok := cluster.ConfigurationEx.(*types.ClusterConfigInfoEx); ok {
				cfg.DrsConfig.Enabled = types.NewBool(false)
			}
			for h := 0; h < *nonDRSClusterHosts; h++ {
				res := cluster.AddHostTask(&types.AddHost_Task{
					This:        cluster.Self,
					Spec:        types.HostConnectSpec{HostName: fmt.Sprintf("%s_H%d", name, h)},
					AsConnected: true,
				}).(*methods.AddHost_TaskBody)
				task := simulator.Map.Get(res.Res.Returnval).(*simulator.Task)
				if task.Info.Error != nil {
					panic(fmt.Sprintf("adding a host to %s: %T", name, task.Info.Error.Fault))
				}
				host := simulator.Map.Get(task.Info.Result.(types.ManagedObjectReference)).(*simulator.HostSystem)
				mountDatacenterDatastores(dc, host, cluster)
				joinDistributedSwitches(dc, host)
			}
		}
	}
}

// mountDatacenterDatastores mounts every datastore of the datacenter on a new host, as the model does for its hosts.
func mountDatacenterDatastores(dc *simulator.Datacenter, host *simulator.HostSystem, cluster *simulator.ClusterComputeResource) {
	folder, ok := simulator.Map.Get(dc.DatastoreFolder).(*simulator.Folder)
	if !ok {
		return
	}
	for _, ref := range folder.ChildEntity {
		ds, ok := simulator.Map.Get(ref).(*simulator.Datastore)
		if !ok {
			continue
		}
		ds.Host = append(ds.Host, types.DatastoreHostMount{
			Key: host.Self,
			MountInfo: types.HostMountInfo{
				AccessMode: string(types.HostMountModeReadWrite),
				Mounted:    types.NewBool(true),
				Accessible: types.NewBool(true),
			},
		})
		host.Datastore = withRef(host.Datastore, ds.Self)
		cluster.Datastore = withRef(cluster.Datastore, ds.Self)
	}
	if host.ConfigManager.DatastoreSystem != nil {
		if dss, ok := simulator.Map.Get(*host.ConfigManager.DatastoreSystem).(*simulator.HostDatastoreSystem); ok {
			dss.Datastore = append([]types.ManagedObjectReference(nil), host.Datastore...)
		}
	}
}

// joinDistributedSwitches adds a new host to the datacenter's distributed switches, so it reaches their port groups.
func joinDistributedSwitches(dc *simulator.Datacenter, host *simulator.HostSystem) {
	folder, ok := simulator.Map.Get(dc.NetworkFolder).(*simulator.Folder)
	if !ok {
		return
	}
	for _, ref := range folder.ChildEntity {
		dvs, ok := simulator.Map.Get(ref).(*simulator.DistributedVirtualSwitch)
		if !ok {
			continue
		}
		_ = dvs.ReconfigureDvsTask(&types.ReconfigureDvs_Task{
			This: dvs.Self,
			Spec: &types.DVSConfigSpec{Host: []types.DistributedVirtualSwitchHostMemberConfigSpec{{
				Operation: string(types.ConfigSpecOperationAdd),
				Host:      host.Self,
			}}},
		})
	}
}
