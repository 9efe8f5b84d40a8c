package main

// Test harness for the host-admin, VM-lifecycle and task-delay extensions: an in-process VPX model with every
// extension registered, served over HTTP (so requests go through the SDK router) and a govmomi client.

import (
	"context"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/task"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

type lcEnv struct {
	t      *testing.T
	ctx    context.Context
	model  *simulator.Model
	client *govmomi.Client
	finder *find.Finder
}

// newLCEnv starts a default VPX model (optionally adjusted) with the extensions and logs in.
func newLCEnv(t *testing.T, adjust ...func(*simulator.Model)) *lcEnv {
	t.Helper()
	if os.Getenv("TMPDIR") == "" && dirExists("/dev/shm") {
		t.Setenv("TMPDIR", "/dev/shm") // every VM writes files; a tmpfs makes the model much faster
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	model := simulator.VPX()
	for _, f := range adjust {
		f(model)
	}
	if err := model.Create(); err != nil {
		t.Fatalf("creating the model: %v", err)
	}
	registerExtensions(model)
	server := model.Service.NewServer()
	client, err := govmomi.NewClient(ctx, server.URL, true)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	t.Cleanup(func() {
		_ = client.Logout(context.Background())
		server.Close()
		closeHostEndpoint(model.Service)
		model.Remove()
		cancel()
	})
	finder := find.NewFinder(client.Client, true)
	dc, err := finder.DefaultDatacenter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	finder.SetDatacenter(dc)
	return &lcEnv{t: t, ctx: ctx, model: model, client: client, finder: finder}
}

func dirExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

func (e *lcEnv) vm(name string) *object.VirtualMachine {
	e.t.Helper()
	vm, err := e.finder.VirtualMachine(e.ctx, name)
	if err != nil {
		e.t.Fatalf("VM %s: %v", name, err)
	}
	return vm
}

func (e *lcEnv) host(path string) *object.HostSystem {
	e.t.Helper()
	host, err := e.finder.HostSystem(e.ctx, path)
	if err != nil {
		e.t.Fatalf("host %s: %v", path, err)
	}
	return host
}

func (e *lcEnv) pool(path string) *object.ResourcePool {
	e.t.Helper()
	pool, err := e.finder.ResourcePool(e.ctx, path)
	if err != nil {
		e.t.Fatalf("pool %s: %v", path, err)
	}
	return pool
}

// props reads properties of an object through the property collector into dst (a pointer to an mo type).
func (e *lcEnv) props(ref types.ManagedObjectReference, dst interface{}, paths ...string) {
	e.t.Helper()
	if err := property.DefaultCollector(e.client.Client).RetrieveOne(e.ctx, ref, paths, dst); err != nil {
		e.t.Fatalf("reading %v of %s: %v", paths, ref, err)
	}
}

func (e *lcEnv) vmMO(vm *object.VirtualMachine, paths ...string) mo.VirtualMachine {
	e.t.Helper()
	var out mo.VirtualMachine
	e.props(vm.Reference(), &out, paths...)
	return out
}

func (e *lcEnv) hostMO(host *object.HostSystem, paths ...string) mo.HostSystem {
	e.t.Helper()
	var out mo.HostSystem
	e.props(host.Reference(), &out, paths...)
	return out
}

func (e *lcEnv) poolMO(ref types.ManagedObjectReference, paths ...string) mo.ResourcePool {
	e.t.Helper()
	var out mo.ResourcePool
	e.props(ref, &out, paths...)
	return out
}

func (e *lcEnv) taskInfo(ref types.ManagedObjectReference) types.TaskInfo {
	e.t.Helper()
	var t mo.Task
	e.props(ref, &t, "info")
	return t.Info
}

// reconfigure applies extraConfig key/value pairs to a VM.
func (e *lcEnv) extraConfig(vm *object.VirtualMachine, kv ...string) {
	e.t.Helper()
	var spec types.VirtualMachineConfigSpec
	for i := 0; i+1 < len(kv); i += 2 {
		spec.ExtraConfig = append(spec.ExtraConfig, &types.OptionValue{Key: kv[i], Value: kv[i+1]})
	}
	t, err := vm.Reconfigure(e.ctx, spec)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := t.Wait(e.ctx); err != nil {
		e.t.Fatalf("reconfigure %v: %v", kv, err)
	}
}

func (e *lcEnv) toolsRunning(vm *object.VirtualMachine) {
	e.t.Helper()
	e.extraConfig(vm, "SET.guest.toolsRunningStatus", string(types.VirtualMachineToolsRunningStatusGuestToolsRunning))
}

func (e *lcEnv) wait(t *object.Task, err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := t.Wait(e.ctx); err != nil {
		e.t.Fatalf("task %s: %v", t.Reference(), err)
	}
}

// taskFault waits for a task that must fail and returns its fault.
func (e *lcEnv) taskFault(t *object.Task, err error) types.BaseMethodFault {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("expected a task, got %v", err)
	}
	err = t.Wait(e.ctx)
	if err == nil {
		e.t.Fatalf("task %s succeeded, expected a fault", t.Reference())
	}
	return faultOf(e.t, err)
}

// faultOf extracts the vim fault from a SOAP fault or a task error.
func faultOf(t *testing.T, err error) types.BaseMethodFault {
	t.Helper()
	var te task.Error
	switch {
	case err == nil:
		t.Fatal("expected a fault, got success")
	case errors.As(err, &te):
		return te.Fault()
	case soap.IsSoapFault(err):
		// The client decodes the fault detail as a value; the fault interfaces are implemented by pointers.
		detail := soap.ToSoapFault(err).VimFault()
		if f, ok := detail.(types.BaseMethodFault); ok {
			return f
		}
		if detail != nil {
			ptr := reflect.New(reflect.TypeOf(detail))
			ptr.Elem().Set(reflect.ValueOf(detail))
			if f, ok := ptr.Interface().(types.BaseMethodFault); ok {
				return f
			}
		}
	case soap.IsVimFault(err):
		return soap.ToVimFault(err)
	}
	t.Fatalf("not a vim fault: %v", err)
	return nil
}

// lcWatcher follows property changes of one object through PropertyCollector.WaitForUpdatesEx.
type lcWatcher struct {
	e       *lcEnv
	pc      *property.Collector
	version string
}

func (e *lcEnv) watch(ref types.ManagedObjectReference, paths ...string) *lcWatcher {
	e.t.Helper()
	pc, err := property.DefaultCollector(e.client.Client).Create(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = pc.Destroy(context.Background()) })
	err = pc.CreateFilter(e.ctx, types.CreateFilter{
		This: pc.Reference(),
		Spec: types.PropertyFilterSpec{
			ObjectSet: []types.ObjectSpec{{Obj: ref}},
			PropSet:   []types.PropertySpec{{Type: ref.Type, PathSet: paths}},
		},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	w := &lcWatcher{e: e, pc: pc}
	w.next(5) // the initial values
	return w
}

// next returns the changes of the next update, or nil when none comes within maxWait seconds.
func (w *lcWatcher) next(maxWait int32) []types.PropertyChange {
	w.e.t.Helper()
	res, err := methods.WaitForUpdatesEx(w.e.ctx, w.e.client.Client, &types.WaitForUpdatesEx{
		This:    w.pc.Reference(),
		Version: w.version,
		Options: &types.WaitOptions{MaxWaitSeconds: &maxWait},
	})
	if err != nil {
		w.e.t.Fatalf("WaitForUpdatesEx: %v", err)
	}
	if res.Returnval == nil {
		return nil
	}
	w.version = res.Returnval.Version
	var changes []types.PropertyChange
	for _, fs := range res.Returnval.FilterSet {
		for _, obj := range fs.ObjectSet {
			changes = append(changes, obj.ChangeSet...)
		}
	}
	return changes
}

// until waits for an update whose changes satisfy f, failing after the timeout.
func (w *lcWatcher) until(timeout time.Duration, what string, f func([]types.PropertyChange) bool) {
	w.e.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if changes := w.next(1); changes != nil && f(changes) {
			return
		}
	}
	w.e.t.Fatalf("no property update: %s", what)
}

func changeOf(changes []types.PropertyChange, name string) (interface{}, bool) {
	for _, c := range changes {
		if c.Name == name {
			return c.Val, true
		}
	}
	return nil, false
}

func refsContain(refs []types.ManagedObjectReference, ref types.ManagedObjectReference) bool {
	for _, r := range refs {
		if r == ref {
			return true
		}
	}
	return false
}
