package main

// VM questions that block tasks.
//
// On vSphere, disconnecting or changing the media of a CD/DVD drive of a running VM whose guest has locked the
// drive's tray does not fail and does not finish: the reconfiguration task stays running and the VM asks a
// question (runtime.question, message msg.cdromdisconnect.locked) until someone answers it with
// VirtualMachine.AnswerVM. "Yes" overrides the lock and the change is made; "No" keeps the media and the task
// fails. The stock simulator has neither questions nor AnswerVM.
//
// Here extraConfig "vcsim.cdromLocked" = "true" marks the guest's tray as locked. ReconfigVM_Task on such a VM,
// powered on, whose device changes remove a connected CD/DVD drive, disconnect it or change its backing, returns a
// running task, sets runtime.question and waits for the answer; other methods on the VM meanwhile get
// TaskInProgress, as for any running task. AnswerVM with a question id that is not the VM's current question gives
// ConcurrentAccess (vSphere's fault for a question answered already), with a choice the question does not offer
// InvalidArgument. The question is cleared when answered.

import (
	"strconv"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

const (
	cdromLockedKey        = "vcsim.cdromLocked"
	cdromLockedMessageID  = "msg.cdromdisconnect.locked"
	cdromLockedChoiceYes  = "0"
	cdromLockedChoiceNo   = "1"
	cdromLockedQuestionIs = "The guest operating system has locked the CD-ROM door and is probably using the CD-ROM, " +
		"which can prevent the guest from recognizing media changes. If possible, eject the CD-ROM from inside the guest " +
		"before disconnecting. Disconnect anyway and override the lock?"
)

// pendingQuestion is a question a VM asks, with the channel its answer is sent on.
type pendingQuestion struct {
	info   *types.VirtualMachineQuestionInfo
	answer chan string
}

var vmQuestions = struct {
	sync.Mutex
	next    int
	pending map[types.ManagedObjectReference]*pendingQuestion
}{pending: map[types.ManagedObjectReference]*pendingQuestion{}}

func init() {
	routeMethods("VirtualMachine", questionRoutes{})
	busyExempt["AnswerVM"] = true
	extensions = append(extensions, func(*simulator.Model) {
		vmQuestions.Lock()
		vmQuestions.pending = map[types.ManagedObjectReference]*pendingQuestion{}
		vmQuestions.Unlock()
	})
}

type questionRoutes struct{}

// lockedTrayReconfig starts the reconfiguration as a task that asks the locked-tray question first, when the changes
// would take media out of a locked drive; it returns nil otherwise. vmRoutes.ReconfigVMTask calls it first.
func lockedTrayReconfig(ctx *simulator.Context, req *types.ReconfigVM_Task) *types.ManagedObjectReference {
	vm := getVM(req.This)
	if vm == nil || !ejectsLockedMedia(vm, req.Spec.DeviceChange) {
		return nil
	}
	question := &pendingQuestion{answer: make(chan string, 1)}
	self := vm.Self
	ref := startTask(ctx, taskSpec{
		entity: self, name: "ReconfigVM_Task", descID: "VirtualMachine.reconfigure",
		cancelable: vmTaskCancelable(vm, false), delay: vmTaskDelay(vm), busy: &self, lock: &self,
		before: func() types.BaseMethodFault { return askAndWait(self, question) },
		run: func(c *simulator.Context) (types.AnyType, types.BaseMethodFault) {
			return runStockTask(func() soap.HasFault { return vm.ReconfigVMTask(c, req) })
		},
	})
	return &ref
}

// AnswerVM answers the VM's current question.
func (questionRoutes) AnswerVM(_ *simulator.Context, req *types.AnswerVM) soap.HasFault {
	body := &methods.AnswerVMBody{}
	vmQuestions.Lock()
	question := vmQuestions.pending[req.This]
	if question == nil || question.info.Id != req.QuestionId {
		vmQuestions.Unlock()
		body.Fault_ = fault("The operation is not allowed in the current state: the question has been or is being answered.",
			&types.ConcurrentAccess{})
		return body
	}
	offered := false
	for _, choice := range question.info.Choice.ChoiceInfo {
		offered = offered || choice.GetElementDescription().Key == req.AnswerChoice
	}
	if !offered {
		vmQuestions.Unlock()
		body.Fault_ = fault("A specified parameter was not correct: answerChoice", &types.InvalidArgument{InvalidProperty: "answerChoice"})
		return body
	}
	delete(vmQuestions.pending, req.This)
	vmQuestions.Unlock()
	question.answer <- req.AnswerChoice
	body.Res = &types.AnswerVMResponse{}
	return body
}

// askAndWait publishes the question on the VM, waits for its answer and clears it; "No" fails the task.
func askAndWait(vm types.ManagedObjectReference, question *pendingQuestion) types.BaseMethodFault {
	vmQuestions.Lock()
	vmQuestions.next++
	question.info = &types.VirtualMachineQuestionInfo{
		Id:   strconv.Itoa(vmQuestions.next),
		Text: cdromLockedQuestionIs,
		Choice: types.ChoiceOption{
			ChoiceInfo: []types.BaseElementDescription{
				&types.ElementDescription{Description: types.Description{Label: "Yes", Summary: "Yes"}, Key: cdromLockedChoiceYes},
				&types.ElementDescription{Description: types.Description{Label: "No", Summary: "No"}, Key: cdromLockedChoiceNo},
			},
			DefaultIndex: 1,
		},
		Message: []types.VirtualMachineMessage{{Id: cdromLockedMessageID, Text: cdromLockedQuestionIs}},
	}
	vmQuestions.pending[vm] = question
	vmQuestions.Unlock()

	setQuestion(vm, question.info)
	answer := <-question.answer
	setQuestion(vm, nil)
	if answer != cdromLockedChoiceYes {
		return &types.GenericVmConfigFault{Reason: "Connection control operation failed: the guest has locked the CD-ROM door."}
	}
	return nil
}

func setQuestion(ref types.ManagedObjectReference, info *types.VirtualMachineQuestionInfo) {
	vm := getVM(ref)
	if vm == nil {
		return
	}
	change := types.PropertyChange{Name: "runtime.question", Val: info}
	if info == nil {
		change.Val = nil // an untyped nil clears the field; a typed nil pointer would not be applied
	}
	simulator.Map.WithLock(vm, func() { simulator.Map.Update(vm, []types.PropertyChange{change}) })
}

// ejectsLockedMedia reports whether the VM is running with a locked tray and the changes take media out of one of its
// connected CD/DVD drives (remove it, disconnect it or change its backing).
func ejectsLockedMedia(vm *simulator.VirtualMachine, changes []types.BaseVirtualDeviceConfigSpec) bool {
	if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
		return false
	}
	if locked, _ := vmExtraConfig(vm, cdromLockedKey); locked != "true" {
		return false
	}
	for _, base := range changes {
		change := base.GetVirtualDeviceConfigSpec()
		wanted, ok := change.Device.(*types.VirtualCdrom)
		if !ok {
			continue
		}
		var existing *types.VirtualCdrom
		for _, device := range vm.Config.Hardware.Device {
			if cdrom, ok := device.(*types.VirtualCdrom); ok && cdrom.Key == wanted.Key {
				existing = cdrom
			}
		}
		if existing == nil || existing.Connectable == nil || !existing.Connectable.Connected {
			continue
		}
		switch change.Operation {
		case types.VirtualDeviceConfigSpecOperationRemove:
			return true
		case types.VirtualDeviceConfigSpecOperationEdit:
			if wanted.Connectable != nil && !wanted.Connectable.Connected {
				return true
			}
			if !sameBacking(existing.Backing, wanted.Backing) {
				return true
			}
		}
	}
	return false
}

// sameBacking compares CD/DVD backings by type and file or device name.
func sameBacking(a, b types.BaseVirtualDeviceBackingInfo) bool {
	name := func(backing types.BaseVirtualDeviceBackingInfo) string {
		switch v := backing.(type) {
		case *types.VirtualCdromIsoBackingInfo:
			return "iso:" + v.FileName
		case *types.VirtualCdromRemotePassthroughBackingInfo:
			return "remote-passthrough:" + v.DeviceName
		case *types.VirtualCdromRemoteAtapiBackingInfo:
			return "remote-atapi:" + v.DeviceName
		case *types.VirtualCdromAtapiBackingInfo:
			return "atapi:" + v.DeviceName
		case *types.VirtualCdromPassthroughBackingInfo:
			return "passthrough:" + v.DeviceName
		case nil:
			return ""
		default:
			return "other"
		}
	}
	return b == nil || name(a) == name(b)
}
