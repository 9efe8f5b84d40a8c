package main

import (
	"testing"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/types"
)

// lockedCdrom connects the VM's first CD/DVD drive to an ISO and marks its tray as locked by the guest.
func lockedCdrom(e *lcEnv, vm *object.VirtualMachine, locked bool) *types.VirtualCdrom {
	e.t.Helper()
	devices, err := vm.Device(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	cdroms := devices.SelectByType((*types.VirtualCdrom)(nil))
	if len(cdroms) == 0 {
		e.t.Fatal("the VM has no CD/DVD drive")
	}
	cdrom := cdroms[0].(*types.VirtualCdrom)
	cdrom.Backing = &types.VirtualCdromIsoBackingInfo{VirtualDeviceFileBackingInfo: types.VirtualDeviceFileBackingInfo{FileName: "[LocalDS_0] boot.iso"}}
	cdrom.Connectable = &types.VirtualDeviceConnectInfo{Connected: true, StartConnected: true}
	if err := vm.EditDevice(e.ctx, cdrom); err != nil {
		e.t.Fatal(err)
	}
	if locked {
		e.extraConfig(vm, cdromLockedKey, "true")
	}
	return cdrom
}

func disconnected(cdrom *types.VirtualCdrom) *types.VirtualCdrom {
	edited := *cdrom
	edited.Connectable = &types.VirtualDeviceConnectInfo{Connected: false, StartConnected: false}
	return &edited
}

func cdromConnected(e *lcEnv, vm *object.VirtualMachine, key int32) bool {
	e.t.Helper()
	for _, device := range e.vmMO(vm, "config.hardware.device").Config.Hardware.Device {
		if cdrom, ok := device.(*types.VirtualCdrom); ok && cdrom.Key == key {
			return cdrom.Connectable != nil && cdrom.Connectable.Connected
		}
	}
	e.t.Fatalf("CD/DVD drive %d is gone", key)
	return false
}

// waitQuestion waits for the VM to ask a question and returns it.
func waitQuestion(e *lcEnv, vm *object.VirtualMachine) *types.VirtualMachineQuestionInfo {
	e.t.Helper()
	watch := e.watch(vm.Reference(), "runtime.question") // before the read, so that no change falls between them
	question := e.vmMO(vm, "runtime.question").Runtime.Question
	if question != nil {
		return question
	}
	watch.until(10*time.Second, "runtime.question set", func(changes []types.PropertyChange) bool {
		v, _ := changeOf(changes, "runtime.question")
		question, _ = v.(*types.VirtualMachineQuestionInfo)
		return question != nil
	})
	return question
}

func TestLockedTrayQuestionBlocksReconfigureUntilAnsweredYes(t *testing.T) {
	e := newLCEnv(t)
	vm := e.vm("DC0_H0_VM0")
	cdrom := lockedCdrom(e, vm, true)

	reconfigure, err := vm.Reconfigure(e.ctx, types.VirtualMachineConfigSpec{DeviceChange: []types.BaseVirtualDeviceConfigSpec{
		&types.VirtualDeviceConfigSpec{Operation: types.VirtualDeviceConfigSpecOperationEdit, Device: disconnected(cdrom)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	question := waitQuestion(e, vm)
	if question.Message[0].Id != cdromLockedMessageID || len(question.Choice.ChoiceInfo) != 2 ||
		question.Choice.ChoiceInfo[0].GetElementDescription().Label != "Yes" {
		t.Fatalf("question: %+v", question)
	}
	if info := e.taskInfo(reconfigure.Reference()); info.State != types.TaskInfoStateRunning {
		t.Fatalf("the task does not wait for the answer: %s", info.State)
	}
	if f, ok := faultOf(t, func() error { _, err := vm.PowerOff(e.ctx); return err }()).(*types.TaskInProgress); !ok || f.Task != reconfigure.Reference() {
		t.Fatalf("power off while the question waits: %#v", f)
	}
	if _, ok := faultOf(t, vm.Answer(e.ctx, question.Id+"0", cdromLockedChoiceYes)).(*types.ConcurrentAccess); !ok {
		t.Fatal("an answer to another question id must be refused with ConcurrentAccess")
	}
	if f, ok := faultOf(t, vm.Answer(e.ctx, question.Id, "7")).(*types.InvalidArgument); !ok || f.InvalidProperty != "answerChoice" {
		t.Fatalf("a choice the question does not offer: %#v", f)
	}

	if err := vm.Answer(e.ctx, question.Id, cdromLockedChoiceYes); err != nil {
		t.Fatal(err)
	}
	e.wait(reconfigure, nil)
	if cdromConnected(e, vm, cdrom.Key) {
		t.Fatal("answered Yes, the drive is still connected")
	}
	if q := e.vmMO(vm, "runtime.question").Runtime.Question; q != nil {
		t.Fatalf("the question stays after its answer: %+v", q)
	}
	if _, ok := faultOf(t, vm.Answer(e.ctx, question.Id, cdromLockedChoiceYes)).(*types.ConcurrentAccess); !ok {
		t.Fatal("a second answer must be refused with ConcurrentAccess")
	}
}

func TestLockedTrayQuestionAnsweredNoFailsTheTaskAndKeepsTheMedia(t *testing.T) {
	e := newLCEnv(t)
	vm := e.vm("DC0_H0_VM0")
	cdrom := lockedCdrom(e, vm, true)
	removal, err := vm.Reconfigure(e.ctx, types.VirtualMachineConfigSpec{DeviceChange: []types.BaseVirtualDeviceConfigSpec{
		&types.VirtualDeviceConfigSpec{Operation: types.VirtualDeviceConfigSpecOperationRemove, Device: cdrom},
	}})
	if err != nil {
		t.Fatal(err)
	}
	question := waitQuestion(e, vm)
	if err := vm.Answer(e.ctx, question.Id, cdromLockedChoiceNo); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.taskFault(removal, nil).(*types.GenericVmConfigFault); !ok {
		t.Fatal("answered No, the task must fail with GenericVmConfigFault")
	}
	if !cdromConnected(e, vm, cdrom.Key) {
		t.Fatal("answered No, the drive was disconnected")
	}
}

func TestNoQuestionWithoutALockedTrayOrWhenPoweredOff(t *testing.T) {
	e := newLCEnv(t)
	unlocked := e.vm("DC0_H0_VM0")
	cdrom := lockedCdrom(e, unlocked, false)
	if err := unlocked.EditDevice(e.ctx, disconnected(cdrom)); err != nil {
		t.Fatal(err)
	}
	if cdromConnected(e, unlocked, cdrom.Key) {
		t.Fatal("the drive of a VM without a locked tray was not disconnected")
	}

	off := e.vm("DC0_H0_VM1")
	cdrom = lockedCdrom(e, off, true)
	e.wait(off.PowerOff(e.ctx))
	if err := off.EditDevice(e.ctx, disconnected(cdrom)); err != nil {
		t.Fatal(err)
	}
	if cdromConnected(e, off, cdrom.Key) {
		t.Fatal("the drive of a powered-off VM was not disconnected")
	}
	if q := e.vmMO(off, "runtime.question").Runtime.Question; q != nil {
		t.Fatalf("a powered-off VM asks: %+v", q)
	}
}
