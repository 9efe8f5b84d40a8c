package main

// Shared plumbing for the guest-operations, screenshot and OVF/NFC extensions (guest_*.go, vm_screenshot.go,
// ovf_*.go, nfc_lease.go).
//
// Three methods those extensions add or change belong to managed objects whose simulator objects cannot be replaced:
// VirtualMachine.CreateScreenshot_Task, VirtualMachine.ExportVm, and ResourcePool/VirtualApp.ImportVApp (whose stock
// lease discards uploaded disk bytes). Wrapping VirtualMachine objects in simulator.Map, as the simulator's
// example_extend_test.go does, breaks the simulator: its own code asserts Map.Get(ref).(*simulator.VirtualMachine)
// (snapshots, clone, QueryPerf, ImportVApp, PowerOnMultiVM), and its property collector panics on a wrapper that
// embeds a *pointer* to the simulator type. Wrappers also do not compose: the last one put in the Map hides the
// methods of any other.
//
// Instead these requests are re-addressed while they are decoded, and the managed objects stay untouched. The simulator
// decodes a request body into the Go type that vim25/types registers under the request's element name; types.Add
// (in init, before any request is served) registers, for the names below, a request type whose UnmarshalXML decodes
// the stock request and whose top-level This field names gxRouter, an object this package puts in the Map. The
// simulator's dispatcher (simulator.Service.call) looks up This and calls the router's method of the same name, which
// finds the real target in the stock request. When a model has no router (the extensions were not installed), This
// stays the real target and the stock behaviour is unchanged. Any handler in front of /sdk that routes by _this
// still sees the original request body.

import (
	"fmt"
	"reflect"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
	"github.com/vmware/govmomi/vim25/xml"
)

// gxRouterRef names the router in simulator.Map. It is not an inventory object and has no properties.
var gxRouterRef = types.ManagedObjectReference{Type: "McVSphereExtensionRouter", Value: "mcvsphere-extension-router"}

// gxRouter receives the re-addressed requests. Its methods are in vm_screenshot.go and ovf_export.go.
type gxRouter struct {
	svc *simulator.Service
}

func (r *gxRouter) Reference() types.ManagedObjectReference { return gxRouterRef }

// Lock and Unlock make the dispatcher's per-object lock a no-op for the router, so that routed calls on different
// objects run concurrently; each routed method takes the lock of its real target itself.
func (r *gxRouter) Lock()   {}
func (r *gxRouter) Unlock() {}

// gxInstallRouter puts the router in the model's Map (once per model) and returns it.
func gxInstallRouter(model *simulator.Model) *gxRouter {
	if r, ok := simulator.Map.Get(gxRouterRef).(*gxRouter); ok {
		return r
	}
	r := &gxRouter{svc: model.Service}
	simulator.Map.Put(r)
	return r
}

// gxDispatchTarget returns where the simulator should dispatch a routed request for target.
func gxDispatchTarget(target types.ManagedObjectReference) types.ManagedObjectReference {
	if simulator.Map.Get(gxRouterRef) != nil {
		return gxRouterRef
	}
	return target
}

// The routed request types. This (found by the dispatcher with reflect FieldByName) shadows the stock request's
// _this; Req is the stock request as sent.

type gxCreateScreenshotRequest struct {
	This types.ManagedObjectReference `xml:"-"`
	Req  types.CreateScreenshot_Task  `xml:"-"`
}

func (r *gxCreateScreenshotRequest) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	if err := d.DecodeElement(&r.Req, &start); err != nil {
		return err
	}
	r.This = gxDispatchTarget(r.Req.This)
	return nil
}

type gxExportVmRequest struct {
	This types.ManagedObjectReference `xml:"-"`
	Req  types.ExportVm               `xml:"-"`
}

func (r *gxExportVmRequest) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	if err := d.DecodeElement(&r.Req, &start); err != nil {
		return err
	}
	r.This = gxDispatchTarget(r.Req.This)
	return nil
}

type gxImportVAppRequest struct {
	This types.ManagedObjectReference `xml:"-"`
	Req  types.ImportVApp             `xml:"-"`
}

func (r *gxImportVAppRequest) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	if err := d.DecodeElement(&r.Req, &start); err != nil {
		return err
	}
	r.This = gxDispatchTarget(r.Req.This)
	return nil
}

func init() {
	// Registered once, before any server runs: the vim25/types registry is a plain map read by every decoder.
	types.Add("CreateScreenshot_Task", reflect.TypeOf((*gxCreateScreenshotRequest)(nil)).Elem())
	types.Add("ExportVm", reflect.TypeOf((*gxExportVmRequest)(nil)).Elem())
	types.Add("ImportVApp", reflect.TypeOf((*gxImportVAppRequest)(nil)).Elem())
}

// gxFaultBody is a response carrying only a fault, for paths that have no typed methods.*Body at hand.
type gxFaultBody struct {
	Fault_ *soap.Fault
}

func (b *gxFaultBody) Fault() *soap.Fault { return b.Fault_ }

// gxNotFound is the fault the simulator gives for an unknown or destroyed managed object.
func gxNotFound(ref types.ManagedObjectReference) *soap.Fault {
	return simulator.Fault(fmt.Sprintf("managed object not found: %s", ref), &types.ManagedObjectNotFound{Obj: ref})
}

// gxEmbedded digs through obj, following pointers and the first embedded (anonymous) field of each struct, for a
// value of type want (a pointer type). It finds the simulator's object inside any wrapper another extension may have
// put in the Map, and the mo.* data inside simulator objects.
func gxEmbedded(obj interface{}, want reflect.Type) (reflect.Value, bool) {
	v := reflect.ValueOf(obj)
	for depth := 0; depth < 8 && v.IsValid(); depth++ {
		if v.Type() == want {
			return v, (v.Kind() != reflect.Ptr || !v.IsNil()) && v.CanInterface()
		}
		switch v.Kind() {
		case reflect.Ptr, reflect.Interface:
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		case reflect.Struct:
			if want.Kind() == reflect.Ptr && v.Type() == want.Elem() && v.CanAddr() {
				return v.Addr(), v.Addr().CanInterface()
			}
			var next reflect.Value
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).Anonymous {
					next = v.Field(i)
					break
				}
			}
			v = next
		default:
			return reflect.Value{}, false
		}
	}
	return reflect.Value{}, false
}

// gxVM returns the simulator VM for ref, whether or not another extension wrapped it, and the object in the Map.
func gxVM(ref types.ManagedObjectReference) (*simulator.VirtualMachine, mo.Reference, bool) {
	if ref.Type != "VirtualMachine" {
		return nil, nil, false
	}
	obj := simulator.Map.Get(ref)
	if obj == nil {
		return nil, nil, false
	}
	v, ok := gxEmbedded(obj, reflect.TypeOf((*simulator.VirtualMachine)(nil)))
	if !ok {
		return nil, nil, false
	}
	return v.Interface().(*simulator.VirtualMachine), obj, true
}

// gxDatastore returns the simulator datastore for ref.
func gxDatastore(ref types.ManagedObjectReference) (*simulator.Datastore, bool) {
	obj := simulator.Map.Get(ref)
	if obj == nil {
		return nil, false
	}
	v, ok := gxEmbedded(obj, reflect.TypeOf((*simulator.Datastore)(nil)))
	if !ok {
		return nil, false
	}
	return v.Interface().(*simulator.Datastore), true
}

// gxDatastoreByName finds the datastore called name that vm can use: one of its own datastores, else one of its
// host's (datastore names repeat across datacenters, so a global search could pick another datacenter's).
func gxDatastoreByName(vm *simulator.VirtualMachine, name string) (*simulator.Datastore, bool) {
	refs := append([]types.ManagedObjectReference(nil), vm.Datastore...)
	if vm.Runtime.Host != nil {
		if v, ok := gxEmbedded(simulator.Map.Get(*vm.Runtime.Host), reflect.TypeOf((*mo.HostSystem)(nil))); ok {
			refs = append(refs, v.Interface().(*mo.HostSystem).Datastore...)
		}
	}
	for _, ref := range refs {
		if ds, ok := gxDatastore(ref); ok && ds.Name == name {
			return ds, true
		}
	}
	return nil, false
}

// gxInvoke calls the named method of a simulator object the way the simulator's dispatcher does: with the object's
// lock held and ctx.Caller naming it (so that nested ctx.WithLock calls on it do not deadlock).
func gxInvoke(ctx *simulator.Context, obj mo.Reference, name string, req interface{}) soap.HasFault {
	m := reflect.ValueOf(obj).MethodByName(name)
	if !m.IsValid() {
		ref := obj.Reference()
		return &gxFaultBody{Fault_: simulator.Fault(fmt.Sprintf("%s does not implement: %s", ref, name),
			&types.MethodNotFound{Receiver: ref, Method: name})}
	}
	var args []reflect.Value
	if m.Type().NumIn() == 2 {
		args = append(args, reflect.ValueOf(ctx))
	}
	args = append(args, reflect.ValueOf(req))

	ref := obj.Reference()
	saved := ctx.Caller
	ctx.Caller = &ref
	defer func() { ctx.Caller = saved }()

	var out []reflect.Value
	simulator.Map.WithLock(obj, func() { out = m.Call(args) })
	res, _ := out[0].Interface().(soap.HasFault)
	return res
}
