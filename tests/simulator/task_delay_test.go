package main

import (
	"testing"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

func cancelTask(e *lcEnv, ref types.ManagedObjectReference) error {
	_, err := methods.CancelTask(e.ctx, e.client.Client, &types.CancelTask{This: ref})
	return err
}

func recentTasks(e *lcEnv) []types.ManagedObjectReference {
	e.t.Helper()
	var tm mo.TaskManager
	e.props(e.client.ServiceContent.TaskManager.Reference(), &tm, "recentTask")
	return tm.RecentTask
}

func TestTaskDelayProgressAndCancel(t *testing.T) {
	e := newLCEnv(t)
	vm := e.vm("DC0_H0_VM0")
	e.toolsRunning(vm)
	e.extraConfig(vm, taskDelayKey, "800")
	before := len(recentTasks(e))

	folder, err := e.finder.DefaultFolder(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	clone, err := vm.Clone(e.ctx, folder, "delayed-clone", types.VirtualMachineCloneSpec{})
	if err != nil {
		t.Fatal(err)
	}
	info := e.taskInfo(clone.Reference())
	if info.State != types.TaskInfoStateRunning || !info.Cancelable || info.Cancelled {
		t.Fatalf("clone task at start: state %s cancelable %v cancelled %v", info.State, info.Cancelable, info.Cancelled)
	}
	if info.Name != "CloneVM_Task" || info.DescriptionId != "VirtualMachine.clone" || *info.Entity != vm.Reference() || info.EntityName != "DC0_H0_VM0" {
		t.Fatalf("clone task info: %+v", info)
	}
	if reason, ok := info.Reason.(*types.TaskReasonUser); !ok || reason.UserName != "user" {
		t.Fatalf("task reason: %#v", info.Reason)
	}

	// Progress steps are visible through WaitForUpdatesEx.
	watch := e.watch(clone.Reference(), "info.progress")
	watch.until(3*time.Second, "info.progress > 0", func(changes []types.PropertyChange) bool {
		v, ok := changeOf(changes, "info.progress")
		p, _ := v.(int32)
		return ok && p > 0 && p < 100
	})

	// The VM is busy meanwhile.
	if f, ok := faultOf(t, func() error { _, err := vm.PowerOff(e.ctx); return err }()).(*types.TaskInProgress); !ok || f.Task != clone.Reference() {
		t.Fatal("PowerOff of a busy VM: want TaskInProgress naming the running task")
	}
	if _, ok := faultOf(t, vm.RebootGuest(e.ctx)).(*types.TaskInProgress); !ok {
		t.Fatal("RebootGuest of a busy VM: want TaskInProgress")
	}

	if err := cancelTask(e, clone.Reference()); err != nil {
		t.Fatal(err)
	}
	if _, ok := faultOf(t, clone.Wait(e.ctx)).(*types.RequestCanceled); !ok {
		t.Fatal("a canceled task must end with RequestCanceled")
	}
	info = e.taskInfo(clone.Reference())
	if info.State != types.TaskInfoStateError || !info.Cancelled || info.CompleteTime == nil {
		t.Fatalf("canceled task: %+v", info)
	}
	if _, err := e.finder.VirtualMachine(e.ctx, "delayed-clone"); err == nil {
		t.Fatal("the canceled clone was created")
	}
	if _, ok := faultOf(t, cancelTask(e, clone.Reference())).(*types.InvalidState); !ok {
		t.Fatal("canceling a canceled task: want InvalidState")
	}

	// A task that is not cancelable runs to completion; no inner stock task shows up in recentTask.
	off, err := vm.PowerOff(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info := e.taskInfo(off.Reference()); info.State != types.TaskInfoStateRunning || info.Cancelable {
		t.Fatalf("power-off task at start: state %s cancelable %v", info.State, info.Cancelable)
	}
	if powerState(e, vm) != types.VirtualMachinePowerStatePoweredOn {
		t.Fatal("the VM changed before the delay elapsed")
	}
	if _, ok := faultOf(t, cancelTask(e, off.Reference())).(*types.NotSupported); !ok {
		t.Fatal("canceling a task that is not cancelable: want NotSupported")
	}
	e.wait(off, nil)
	if info := e.taskInfo(off.Reference()); info.State != types.TaskInfoStateSuccess || info.Progress != 100 {
		t.Fatalf("power-off task at the end: state %s progress %d", info.State, info.Progress)
	}
	if s := powerState(e, vm); s != types.VirtualMachinePowerStatePoweredOff {
		t.Fatalf("after the delayed power-off: %s", s)
	}
	if _, ok := faultOf(t, cancelTask(e, off.Reference())).(*types.InvalidState); !ok {
		t.Fatal("canceling a completed task: want InvalidState")
	}
	if n := len(recentTasks(e)) - before; n != 2 {
		t.Fatalf("recentTask grew by %d, want 2 (the clone and the power-off)", n)
	}

	// A failure inside a delayed task is its error: powering off a powered-off VM.
	if f, ok := e.taskFault(vm.PowerOff(e.ctx)).(*types.InvalidPowerState); !ok || f.ExistingState != types.VirtualMachinePowerStatePoweredOff {
		t.Fatal("delayed power-off of a powered-off VM: want InvalidPowerState")
	}

	// vcsim.taskCancelable overrides the default: a canceled power-on leaves the VM off.
	e.extraConfig(vm, taskCancelableKey, "true")
	on, err := vm.PowerOn(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !e.taskInfo(on.Reference()).Cancelable {
		t.Fatal("vcsim.taskCancelable=true not applied")
	}
	if err := cancelTask(e, on.Reference()); err != nil {
		t.Fatal(err)
	}
	if _, ok := faultOf(t, on.Wait(e.ctx)).(*types.RequestCanceled); !ok {
		t.Fatal("canceled power-on: want RequestCanceled")
	}
	if s := powerState(e, vm); s != types.VirtualMachinePowerStatePoweredOff {
		t.Fatalf("after a canceled power-on: %s", s)
	}
}

func TestCancelStockTask(t *testing.T) {
	e := newLCEnv(t)
	vm := e.vm("DC0_H0_VM1") // no delay: the stock simulator runs the task before answering
	task, err := vm.PowerOff(e.ctx)
	e.wait(task, err)
	if _, ok := faultOf(t, cancelTask(e, task.Reference())).(*types.InvalidState); !ok {
		t.Fatal("canceling a completed stock task: want InvalidState")
	}
}

func TestDelayedSnapshotTasks(t *testing.T) {
	e := newLCEnv(t)
	vm := e.vm("DC0_C0_RP0_VM1")
	cpu0, _, _ := hardware(e, vm)
	e.extraConfig(vm, taskDelayKey, "200")

	task, err := vm.CreateSnapshot(e.ctx, "delayed", "", true, false)
	if err != nil {
		t.Fatal(err)
	}
	if info := e.taskInfo(task.Reference()); info.State != types.TaskInfoStateRunning || !info.Cancelable {
		t.Fatalf("delayed snapshot task: %s cancelable %v", info.State, info.Cancelable)
	}
	res, err := task.WaitForResult(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	snap := res.Result.(types.ManagedObjectReference)
	if node := findSnapshotNode(snapshotTree(e, vm).RootSnapshotList, snap); node == nil || node.Name != "delayed" {
		t.Fatalf("snapshot tree after a delayed CreateSnapshot_Task: %+v", node)
	}

	reconf, err := vm.Reconfigure(e.ctx, types.VirtualMachineConfigSpec{NumCPUs: cpu0 + 2})
	e.wait(reconf, err)
	e.wait(vm.RevertToCurrentSnapshot(e.ctx, false))
	if cpu, _, _ := hardware(e, vm); cpu != cpu0 {
		t.Fatalf("delayed revert: numCPU %d, want %d", cpu, cpu0)
	}

	// The snapshot's own methods are blocked while a task runs on its VM.
	running, err := vm.PowerOff(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = methods.RenameSnapshot(e.ctx, e.client.Client, &types.RenameSnapshot{This: snap, Name: "x"})
	if _, ok := faultOf(t, err).(*types.TaskInProgress); !ok {
		t.Fatal("RenameSnapshot while the VM is busy: want TaskInProgress")
	}
	e.wait(running, nil)

	consolidate := true
	rm, err := methods.RemoveSnapshot_Task(e.ctx, e.client.Client, &types.RemoveSnapshot_Task{This: snap, RemoveChildren: false, Consolidate: &consolidate})
	if err != nil {
		t.Fatal(err)
	}
	removal := object.NewTask(e.client.Client, rm.Returnval)
	if info := e.taskInfo(removal.Reference()); info.State != types.TaskInfoStateRunning || *info.Entity != vm.Reference() {
		t.Fatalf("delayed snapshot removal: state %s entity %v", info.State, info.Entity)
	}
	e.wait(removal, nil)
	if tree := snapshotTree(e, vm); tree != nil {
		t.Fatalf("snapshot left after removal: %+v", tree)
	}

	// A delayed Destroy_Task removes the VM at the end.
	destroy, err := vm.Destroy(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.finder.VirtualMachine(e.ctx, "DC0_C0_RP0_VM1"); err != nil {
		t.Fatal("the VM was destroyed before the delay elapsed")
	}
	e.wait(destroy, nil)
	if _, err := e.finder.VirtualMachine(e.ctx, "DC0_C0_RP0_VM1"); err == nil {
		t.Fatal("the VM still exists after the delayed destroy")
	}
}

func TestGlobalTaskDelayFlag(t *testing.T) {
	e := newLCEnv(t)
	saved := *taskDelayFlag
	*taskDelayFlag = 300 * time.Millisecond
	t.Cleanup(func() { *taskDelayFlag = saved })

	host := e.host("DC0_C0/DC0_C0_H2")
	task, err := rebootHost(e, host, true)
	if err != nil {
		t.Fatal(err)
	}
	if info := e.taskInfo(task.Reference()); info.State != types.TaskInfoStateRunning || info.Cancelable {
		t.Fatalf("delayed host reboot: state %s cancelable %v", info.State, info.Cancelable)
	}
	e.wait(task, nil)

	// The flag applies to VMs without vcsim.taskDelayMs; "0" turns the delay off for one VM.
	vm := e.vm("DC0_H0_VM1")
	off, err := vm.PowerOff(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info := e.taskInfo(off.Reference()); info.State != types.TaskInfoStateRunning {
		t.Fatalf("power-off under -task-delay: state %s", info.State)
	}
	e.wait(off, nil)
	e.extraConfig(vm, taskDelayKey, "0")
	on, err := vm.PowerOn(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info := e.taskInfo(on.Reference()); info.State != types.TaskInfoStateSuccess {
		t.Fatalf("power-on with vcsim.taskDelayMs=0: state %s", info.State)
	}
}
