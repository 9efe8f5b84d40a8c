package main

// Helpers shared by the host-admin, VM-lifecycle and task-delay extensions.

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
	"github.com/vmware/govmomi/vim25/xml"
)

// fault wraps a method fault in a SOAP fault with the given message.
func fault(msg string, f types.BaseMethodFault) *soap.Fault {
	return simulator.Fault(msg, f)
}

// localizedFault is the LocalizedMethodFault form used in TaskInfo.error.
func localizedFault(f types.BaseMethodFault, msg string) *types.LocalizedMethodFault {
	if msg == "" {
		msg = fmt.Sprintf("%T", f)
	}
	return &types.LocalizedMethodFault{Fault: f, LocalizedMessage: msg}
}

// internalContext returns a Context for work done outside a request (task goroutines), acting for the
// session of ctx and treating the given object as already locked by the caller.
func internalContext(ctx *simulator.Context, locked types.ManagedObjectReference) *simulator.Context {
	return &simulator.Context{
		Context: context.Background(),
		Session: ctx.Session,
		Header:  ctx.Header,
		Caller:  &locked,
		Map:     simulator.Map,
	}
}

// serviceContent returns the ServiceContent of the current model.
func serviceContent() types.ServiceContent {
	return simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content
}

// postEvent posts events through the EventManager, as the simulator's own methods do.
func postEvent(ctx *simulator.Context, events ...types.BaseEvent) {
	m := simulator.Map.EventManager()
	ctx.WithLock(m, func() {
		for _, event := range events {
			m.PostEvent(ctx, &types.PostEvent{This: m.Reference(), EventToPost: event})
		}
	})
}

// entityName returns the display name of an inventory object.
func entityName(ref types.ManagedObjectReference) string {
	if e, ok := simulator.Map.Get(ref).(mo.Entity); ok {
		return e.Entity().Name
	}
	return ref.Value
}

// datacenterOf walks up the inventory to the datacenter that holds the object.
func datacenterOf(ref types.ManagedObjectReference) *types.DatacenterEventArgument {
	for i := 0; i < 64; i++ {
		e, ok := simulator.Map.Get(ref).(mo.Entity)
		if !ok {
			return nil
		}
		if ref.Type == "Datacenter" {
			return &types.DatacenterEventArgument{Datacenter: ref, EntityEventArgument: types.EntityEventArgument{Name: e.Entity().Name}}
		}
		parent := e.Entity().Parent
		if parent == nil {
			return nil
		}
		ref = *parent
	}
	return nil
}

// withoutRef returns a copy of refs without ref.
func withoutRef(refs []types.ManagedObjectReference, ref types.ManagedObjectReference) []types.ManagedObjectReference {
	out := make([]types.ManagedObjectReference, 0, len(refs))
	for _, r := range refs {
		if r != ref {
			out = append(out, r)
		}
	}
	return out
}

// withRef returns a copy of refs with ref appended, unless already present.
func withRef(refs []types.ManagedObjectReference, ref types.ManagedObjectReference) []types.ManagedObjectReference {
	out := make([]types.ManagedObjectReference, 0, len(refs)+1)
	out = append(out, refs...)
	for _, r := range refs {
		if r == ref {
			return out
		}
	}
	return append(out, ref)
}

// deepCopy copies a vim25 data object through its XML form (as the simulator's own deepCopy does).
func deepCopy(src, dst interface{}) error {
	b, err := xml.Marshal(src)
	if err != nil {
		return err
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.TypeFunc = types.TypeFunc()
	return dec.Decode(dst)
}

// vmEvent fills the event arguments for a VM, as the simulator's own VM events do.
func vmEvent(vm *simulator.VirtualMachine) types.VmEvent {
	event := types.VmEvent{Event: types.Event{
		Datacenter: datacenterOf(vm.Self),
		Vm:         &types.VmEventArgument{EntityEventArgument: types.EntityEventArgument{Name: vm.Name}, Vm: vm.Self},
	}}
	if vm.Runtime.Host != nil {
		if host, ok := simulator.Map.Get(*vm.Runtime.Host).(*simulator.HostSystem); ok {
			event.Host = &types.HostEventArgument{EntityEventArgument: types.EntityEventArgument{Name: host.Name}, Host: host.Self}
			if host.Parent != nil {
				event.ComputeResource = &types.ComputeResourceEventArgument{
					EntityEventArgument: types.EntityEventArgument{Name: entityName(*host.Parent)},
					ComputeResource:     *host.Parent,
				}
			}
		}
	}
	return event
}

// setVMPowerState publishes a power state change of a VM whose lock the caller holds.
func setVMPowerState(vm *simulator.VirtualMachine, state types.VirtualMachinePowerState) {
	var boot interface{}
	if state == types.VirtualMachinePowerStatePoweredOn {
		boot = time.Now()
	}
	simulator.Map.Update(vm, []types.PropertyChange{
		{Name: "runtime.powerState", Val: state},
		{Name: "summary.runtime.powerState", Val: state},
		{Name: "runtime.bootTime", Val: boot},
		{Name: "summary.runtime.bootTime", Val: boot},
	})
}
