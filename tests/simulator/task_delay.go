package main

// Long-running tasks and Task.CancelTask.
//
// The stock simulator finishes every *_Task method before the SOAP call returns, so clients never see a task
// queued or running, never see info.progress and cannot cancel anything. This file adds a task delay:
//
//   - per VM, extraConfig "vcsim.taskDelayMs" = "<milliseconds>" (set it with ReconfigVM_Task; read when each task
//     is created, so tests can change it at any time without restarting the simulator; "0" turns it off);
//   - globally, the -task-delay flag (a Go duration such as 2s), used for VMs without that key and for host tasks.
//
// With a delay, the delayed methods (see vm_lifecycle.go and host_admin.go) return a Task in state "running"; its
// info.progress steps 0, 10, ..., 90 through the delay, then the operation runs (the VM is only changed at the end)
// and the task ends in success (progress 100) or error. Every change goes through simulator.Map.Update, so
// PropertyCollector.WaitForUpdatesEx reports it. While such a task runs, the VM is busy: other methods on the VM or
// its snapshots fail with TaskInProgress, as in vSphere.
//
// Task.CancelTask (vSphere API): a running task whose info.cancelable is true ends in state "error" with fault
// RequestCanceled and info.cancelled = true, and the operation is not performed; a task that is not cancelable gives
// NotSupported; a task that has completed (or is completing) gives InvalidState; a second cancel of a task whose
// cancellation is pending is accepted. Which tasks are cancelable follows vCenter (clone, relocate, migrate and
// snapshot creation are; power operations, reconfiguration and destroy are not); extraConfig
// "vcsim.taskCancelable" = "true" or "false" on the VM overrides that for the VM's tasks.

import (
	"flag"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

const (
	taskDelayKey      = "vcsim.taskDelayMs"
	taskCancelableKey = "vcsim.taskCancelable"
	taskSteps         = 10
)

var taskDelayFlag = flag.Duration("task-delay", 0,
	"run delayable *_Task methods in the background for this long (VM extraConfig "+taskDelayKey+" overrides it per VM)")

// extTask is the state of a task run in the background.
type extTask struct {
	mu         sync.Mutex
	ref        types.ManagedObjectReference
	busy       *types.ManagedObjectReference
	cancelable bool
	cancelled  bool
	executing  bool
	done       bool
	cancel     chan struct{}
}

var extTasks = struct {
	sync.Mutex
	tasks map[types.ManagedObjectReference]*extTask
	busy  map[types.ManagedObjectReference]types.ManagedObjectReference // VM -> its running task
}{
	tasks: map[types.ManagedObjectReference]*extTask{},
	busy:  map[types.ManagedObjectReference]types.ManagedObjectReference{},
}

func init() {
	routeMethods("Task", taskRoutes{})
	extensions = append(extensions, func(*simulator.Model) {
		// A new model starts with no background tasks (tests create several models in one process).
		extTasks.Lock()
		extTasks.tasks = map[types.ManagedObjectReference]*extTask{}
		extTasks.busy = map[types.ManagedObjectReference]types.ManagedObjectReference{}
		extTasks.Unlock()
	})
}

// taskSpec describes a task started by a route.
type taskSpec struct {
	entity     types.ManagedObjectReference  // TaskInfo.entity
	name       string                        // TaskInfo.name: the vmodl method name
	descID     string                        // TaskInfo.descriptionId
	cancelable bool                          // TaskInfo.cancelable
	delay      time.Duration                 // 0: run before returning, as the stock simulator does
	busy       *types.ManagedObjectReference // VM marked busy while the task runs
	// lock is the object whose lock the operation expects to hold (the _this of the route, which the router
	// holds for inline runs); nil for operations that lock what they touch themselves.
	lock *types.ManagedObjectReference
	// before, when set, runs in the background after the delay and outside any lock (e.g. to wait for the answer to
	// a VM question); a fault it returns ends the task and the operation is not run.
	before func() types.BaseMethodFault
	run    func(ctx *simulator.Context) (types.AnyType, types.BaseMethodFault)
	// done, when set, runs once the task has ended with the operation's result (not when cancelled), after the final
	// state is published; ctx is the one run got.
	done func(ctx *simulator.Context, err types.BaseMethodFault)
}

// startTask creates a Task for spec and runs it, inline or in the background, returning the Task's reference.
func startTask(ctx *simulator.Context, spec taskSpec) types.ManagedObjectReference {
	id := spec.descID[strings.LastIndex(spec.descID, ".")+1:]
	task := simulator.CreateTask(spec.entity, id, nil)
	user := "vcsim"
	if ctx.Session != nil && ctx.Session.UserName != "" {
		user = ctx.Session.UserName
	}
	now := time.Now()
	updateTask(task, []types.PropertyChange{
		{Name: "info.name", Val: spec.name},
		{Name: "info.descriptionId", Val: spec.descID},
		{Name: "info.entityName", Val: entityName(spec.entity)},
		{Name: "info.reason", Val: &types.TaskReasonUser{UserName: user}},
		{Name: "info.cancelable", Val: spec.cancelable},
		{Name: "info.startTime", Val: now},
		{Name: "info.state", Val: types.TaskInfoStateRunning},
	})

	if spec.delay <= 0 && spec.before == nil {
		res, err := safeRun(ctx, spec.run)
		finishTask(task, res, err)
		spec.ended(ctx, err)
		return task.Self
	}

	et := &extTask{ref: task.Self, busy: spec.busy, cancelable: spec.cancelable, cancel: make(chan struct{})}
	extTasks.Lock()
	extTasks.tasks[task.Self] = et
	if spec.busy != nil {
		extTasks.busy[*spec.busy] = task.Self
	}
	extTasks.Unlock()
	updateTask(task, []types.PropertyChange{{Name: "info.progress", Val: int32(0)}})

	locked := spec.entity
	if spec.lock != nil {
		locked = *spec.lock
	}
	bg := internalContext(ctx, locked)
	go et.run(bg, task, spec)
	return task.Self
}

func (et *extTask) run(ctx *simulator.Context, task *simulator.Task, spec taskSpec) {
	interval := spec.delay / taskSteps
	for i := 1; i <= taskSteps; i++ {
		select {
		case <-et.cancel:
			et.finishCanceled(task)
			return
		case <-time.After(interval):
		}
		if i < taskSteps {
			// Lock order: the task, then et.mu (as CancelTask, which runs under the task's lock).
			simulator.Map.WithLock(task, func() {
				et.mu.Lock()
				defer et.mu.Unlock()
				if !et.cancelled {
					simulator.Map.Update(task, []types.PropertyChange{{Name: "info.progress", Val: int32(i * 100 / taskSteps)}})
				}
			})
		}
	}

	et.mu.Lock()
	if et.cancelled {
		et.mu.Unlock()
		et.finishCanceled(task)
		return
	}
	et.executing = true
	et.mu.Unlock()

	if spec.before != nil {
		if err := spec.before(); err != nil {
			et.release()
			finishTask(task, nil, err)
			spec.ended(ctx, err)
			return
		}
	}
	var res types.AnyType
	var err types.BaseMethodFault
	if spec.lock != nil {
		simulator.Map.WithLock(*spec.lock, func() { res, err = safeRun(ctx, spec.run) })
	} else {
		res, err = safeRun(ctx, spec.run)
	}
	et.release()
	finishTask(task, res, err)
	spec.ended(ctx, err)
}

func (spec *taskSpec) ended(ctx *simulator.Context, err types.BaseMethodFault) {
	if spec.done != nil {
		spec.done(ctx, err)
	}
}

func (et *extTask) finishCanceled(task *simulator.Task) {
	et.release()
	updateTask(task, []types.PropertyChange{
		{Name: "info.cancelled", Val: true},
		{Name: "info.completeTime", Val: time.Now()},
		{Name: "info.state", Val: types.TaskInfoStateError},
		{Name: "info.error", Val: localizedFault(&types.RequestCanceled{}, "The task was canceled by a user.")},
	})
}

// release marks the task done and the VM no longer busy, before the final state is published, so that a client
// that sees the task end can use the VM at once.
func (et *extTask) release() {
	et.mu.Lock()
	et.done = true
	et.mu.Unlock()
	extTasks.Lock()
	if et.busy != nil && extTasks.busy[*et.busy] == et.ref {
		delete(extTasks.busy, *et.busy)
	}
	extTasks.Unlock()
}

// safeRun runs an operation, turning a panic (the stock simulator panics on some inputs) into a task error.
func safeRun(ctx *simulator.Context, run func(*simulator.Context) (types.AnyType, types.BaseMethodFault)) (res types.AnyType, fault types.BaseMethodFault) {
	defer func() {
		if r := recover(); r != nil {
			res, fault = nil, &types.SystemError{Reason: fmt.Sprint(r)}
		}
	}()
	return run(ctx)
}

func finishTask(task *simulator.Task, res types.AnyType, err types.BaseMethodFault) {
	changes := []types.PropertyChange{{Name: "info.completeTime", Val: time.Now()}}
	if err != nil {
		changes = append(changes,
			types.PropertyChange{Name: "info.state", Val: types.TaskInfoStateError},
			types.PropertyChange{Name: "info.error", Val: localizedFault(err, "")})
	} else {
		changes = append(changes,
			types.PropertyChange{Name: "info.progress", Val: int32(100)},
			types.PropertyChange{Name: "info.state", Val: types.TaskInfoStateSuccess},
			types.PropertyChange{Name: "info.result", Val: res})
	}
	updateTask(task, changes)
}

// updateTask publishes task changes under the task's lock (the property collector reads objects under their lock).
func updateTask(task *simulator.Task, changes []types.PropertyChange) {
	simulator.Map.WithLock(task, func() { simulator.Map.Update(task, changes) })
}

// runStockTask calls a stock *_Task method (which runs its task before returning) from inside one of our tasks,
// returns that task's result or error and removes the inner task, so that only our task is visible.
func runStockTask(call func() soap.HasFault) (types.AnyType, types.BaseMethodFault) {
	res := call()
	if f := res.Fault(); f != nil {
		if mf, ok := f.VimFault().(types.BaseMethodFault); ok {
			return nil, mf
		}
		return nil, &types.SystemError{Reason: f.String}
	}
	ref, ok := reflect.ValueOf(res).Elem().FieldByName("Res").Elem().FieldByName("Returnval").Interface().(types.ManagedObjectReference)
	if !ok {
		return nil, nil
	}
	inner, ok := simulator.Map.Get(ref).(*simulator.Task)
	if !ok {
		return nil, nil
	}
	info := inner.Info
	forgetTask(ref)
	if info.Error != nil {
		return nil, info.Error.Fault
	}
	return info.Result, nil
}

// forgetTask removes a task from TaskManager.recentTask and from the inventory.
func forgetTask(ref types.ManagedObjectReference) {
	if tm, ok := simulator.Map.Get(serviceContent().TaskManager.Reference()).(*simulator.TaskManager); ok {
		tm.Lock()
		simulator.Map.Update(tm, []types.PropertyChange{{Name: "recentTask", Val: withoutRef(tm.RecentTask, ref)}})
		tm.Unlock()
	}
	simulator.Map.Remove(ref)
}

// vmExtraConfig returns the last value of an extraConfig key (the simulator appends rather than replaces).
func vmExtraConfig(vm *simulator.VirtualMachine, key string) (string, bool) {
	if vm.Config == nil {
		return "", false
	}
	value, found := "", false
	for _, opt := range vm.Config.ExtraConfig {
		if o := opt.GetOptionValue(); o != nil && o.Key == key {
			value, found = strings.TrimSpace(fmt.Sprint(o.Value)), true
		}
	}
	return value, found
}

// vmTaskDelay is the delay for a task on the VM: extraConfig vcsim.taskDelayMs, else the -task-delay flag.
func vmTaskDelay(vm *simulator.VirtualMachine) time.Duration {
	if v, ok := vmExtraConfig(vm, taskDelayKey); ok {
		if ms, err := strconv.Atoi(v); err == nil && ms >= 0 {
			return time.Duration(ms) * time.Millisecond
		}
	}
	return *taskDelayFlag
}

// vmTaskCancelable applies the extraConfig vcsim.taskCancelable override to the method's default.
func vmTaskCancelable(vm *simulator.VirtualMachine, def bool) bool {
	if v, ok := vmExtraConfig(vm, taskCancelableKey); ok {
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return def
}

// vmTask starts a task on a VM, with the VM's delay. lock is the route's _this (the VM or one of its snapshots).
func vmTask(ctx *simulator.Context, vm *simulator.VirtualMachine, lock types.ManagedObjectReference,
	name, descID string, cancelable bool, run func(*simulator.Context) (types.AnyType, types.BaseMethodFault)) types.ManagedObjectReference {
	self := vm.Self
	return startTask(ctx, taskSpec{
		entity:     self,
		name:       name,
		descID:     descID,
		cancelable: vmTaskCancelable(vm, cancelable),
		delay:      vmTaskDelay(vm),
		busy:       &self,
		lock:       &lock,
		run:        run,
	})
}

// busyEntitiesExist reports whether any VM has a background task running (a fast path for the router).
func busyEntitiesExist() bool {
	extTasks.Lock()
	defer extTasks.Unlock()
	return len(extTasks.busy) != 0
}

// busyExempt lists VM methods that vSphere allows while another task runs on the VM.
var busyExempt = map[string]bool{
	"AcquireTicket":      true,
	"AcquireMksTicket":   true,
	"RefreshStorageInfo": true,
	"SetCustomValue":     true,
	"QueryUnownedFiles":  true,
}

type faultBody struct {
	Fault_ *soap.Fault
}

func (b *faultBody) Fault() *soap.Fault { return b.Fault_ }

// busyFault returns a TaskInProgress fault when _this is a VM (or a snapshot of a VM) with a task running.
func busyFault(this types.ManagedObjectReference, method string) soap.HasFault {
	vm := this
	switch this.Type {
	case "VirtualMachine":
	case "VirtualMachineSnapshot":
		snap, ok := simulator.Map.Get(this).(*simulator.VirtualMachineSnapshot)
		if !ok {
			return nil
		}
		vm = snap.Vm
	default:
		return nil
	}
	if busyExempt[method] {
		return nil
	}
	extTasks.Lock()
	task, busy := extTasks.busy[vm]
	extTasks.Unlock()
	if !busy {
		return nil
	}
	return &faultBody{Fault_: fault("Another task is already in progress.", &types.TaskInProgress{Task: task})}
}

type taskRoutes struct{}

// CancelTask cancels a running background task (see the comment at the top of this file).
func (taskRoutes) CancelTask(ctx *simulator.Context, req *types.CancelTask) soap.HasFault {
	body := &methods.CancelTaskBody{}

	extTasks.Lock()
	et := extTasks.tasks[req.This]
	extTasks.Unlock()

	if et == nil {
		task, ok := simulator.Map.Get(req.This).(*simulator.Task)
		if !ok {
			return nil
		}
		switch {
		case task.Info.State == types.TaskInfoStateSuccess || task.Info.State == types.TaskInfoStateError:
			body.Fault_ = fault("The operation is not allowed in the current state.", &types.InvalidState{})
		default: // a stock task that never finished (the simulator panicked while running it)
			body.Fault_ = fault("The operation is not supported on the object.", &types.NotSupported{})
		}
		return body
	}

	et.mu.Lock()
	defer et.mu.Unlock()
	switch {
	case et.done || et.executing:
		body.Fault_ = fault("The operation is not allowed in the current state.", &types.InvalidState{})
	case !et.cancelable:
		body.Fault_ = fault("The operation is not supported on the object.", &types.NotSupported{})
	case et.cancelled:
		body.Res = &types.CancelTaskResponse{} // a repeated request is the same cancellation
	default:
		et.cancelled = true
		close(et.cancel)
		simulator.Map.Update(simulator.Map.Get(req.This), []types.PropertyChange{{Name: "info.cancelled", Val: true}})
		body.Res = &types.CancelTaskResponse{}
	}
	return body
}
