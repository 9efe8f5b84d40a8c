package main

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// inventoryWatch is the product's live inventory index: one filter over a ContainerView of the root folder, every
// ManagedEntity, a few properties.
type inventoryWatch struct {
	e       *lcEnv
	pc      types.ManagedObjectReference
	view    types.ManagedObjectReference
	version string
}

var inventoryPropSet = []types.PropertySpec{
	{Type: "ManagedEntity", PathSet: []string{"name", "parent"}},
	{Type: "VirtualMachine", PathSet: []string{"runtime.powerState", "runtime.connectionState"}},
	{Type: "HostSystem", PathSet: []string{"runtime.connectionState"}},
	{Type: "Datastore", PathSet: []string{"summary.accessible"}},
}

func (e *lcEnv) inventoryWatch() *inventoryWatch {
	e.t.Helper()
	c := e.client.Client
	v, err := view.NewManager(c).CreateContainerView(e.ctx, c.ServiceContent.RootFolder, []string{"ManagedEntity"}, true)
	if err != nil {
		e.t.Fatal(err)
	}
	pc, err := property.DefaultCollector(c).Create(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = pc.Destroy(context.Background()) })
	err = pc.CreateFilter(e.ctx, types.CreateFilter{This: pc.Reference(), Spec: types.PropertyFilterSpec{
		ObjectSet: []types.ObjectSpec{{
			Obj:       v.Reference(),
			Skip:      types.NewBool(true),
			SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "ContainerView", Path: "view"}},
		}},
		PropSet: inventoryPropSet,
	}})
	if err != nil {
		e.t.Fatal(err)
	}
	return &inventoryWatch{e: e, pc: pc.Reference(), view: v.Reference()}
}

// call makes one WaitForUpdatesEx at the given version (maxWait nil: no maxWaitSeconds; maxObjects 0: unset).
func (w *inventoryWatch) call(version string, maxWait *int32, maxObjects int32) (*types.UpdateSet, time.Duration, error) {
	start := time.Now()
	res, err := methods.WaitForUpdatesEx(w.e.ctx, w.e.client.Client, &types.WaitForUpdatesEx{
		This: w.pc, Version: version, Options: &types.WaitOptions{MaxWaitSeconds: maxWait, MaxObjectUpdates: maxObjects},
	})
	if err != nil {
		return nil, time.Since(start), err
	}
	return res.Returnval, time.Since(start), nil
}

// next waits (at most maxWait seconds) for the next answer and moves the watch to its version.
func (w *inventoryWatch) next(maxWait int32, maxObjects int32) *types.UpdateSet {
	w.e.t.Helper()
	set, _, err := w.call(w.version, &maxWait, maxObjects)
	if err != nil {
		w.e.t.Fatalf("WaitForUpdatesEx(%q): %v", w.version, err)
	}
	if set != nil {
		w.version = set.Version
	}
	return set
}

// fill reads the initial state in pages of maxObjects and returns the objects that entered.
func (w *inventoryWatch) fill(maxObjects int32) (map[types.ManagedObjectReference]types.ObjectUpdate, int) {
	w.e.t.Helper()
	entered := map[types.ManagedObjectReference]types.ObjectUpdate{}
	w.version = ""
	pages := 0
	for {
		set := w.next(30, maxObjects)
		if set == nil {
			w.e.t.Fatal("the initial state did not come")
		}
		pages++
		n := 0
		for _, fs := range set.FilterSet {
			for _, u := range fs.ObjectSet {
				n++
				if u.Kind != types.ObjectUpdateKindEnter {
					w.e.t.Fatalf("initial state: %s %s, want enter", u.Kind, u.Obj)
				}
				if _, dup := entered[u.Obj]; dup {
					w.e.t.Fatalf("initial state: %s entered twice", u.Obj)
				}
				entered[u.Obj] = u
			}
		}
		if maxObjects > 0 && n > int(maxObjects) {
			w.e.t.Fatalf("page %d has %d object updates, maxObjectUpdates %d", pages, n, maxObjects)
		}
		if set.Truncated == nil || !*set.Truncated {
			return entered, pages
		}
		if n == 0 {
			w.e.t.Fatal("a truncated answer without updates")
		}
	}
}

func objectUpdates(set *types.UpdateSet) []types.ObjectUpdate {
	if set == nil {
		return nil
	}
	var out []types.ObjectUpdate
	for _, fs := range set.FilterSet {
		out = append(out, fs.ObjectSet...)
	}
	return out
}

// waitFor calls WaitForUpdatesEx until an answer has an update of obj (each call waits at most 10 s, 30 s in all).
func (w *inventoryWatch) waitFor(obj types.ManagedObjectReference) (types.ObjectUpdate, []types.ObjectUpdate) {
	w.e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var all []types.ObjectUpdate
	for time.Now().Before(deadline) {
		for _, u := range objectUpdates(w.next(10, 0)) {
			all = append(all, u)
			if u.Obj == obj {
				return u, all
			}
		}
	}
	w.e.t.Fatalf("no update of %s came; got %v", obj, all)
	return types.ObjectUpdate{}, nil
}

// inventoryRefs lists the objects the filter selects, read with RetrieveProperties.
func (w *inventoryWatch) inventoryRefs() map[types.ManagedObjectReference]bool {
	w.e.t.Helper()
	var view mo.ContainerView
	w.e.props(w.view, &view, "view")
	out := map[types.ManagedObjectReference]bool{}
	for _, ref := range view.View {
		out[ref] = true
	}
	return out
}

func changeNames(u types.ObjectUpdate) []string {
	var names []string
	for _, c := range u.ChangeSet {
		names = append(names, c.Name)
	}
	return names
}

func TestUpdatesIncrementalRename(t *testing.T) {
	e := newLCEnv(t)
	w := e.inventoryWatch()
	entered, _ := w.fill(0)
	want := w.inventoryRefs()
	if len(entered) != len(want) {
		t.Fatalf("initial state: %d objects entered, the view has %d", len(entered), len(want))
	}
	vm := e.vm("DC0_H0_VM0")
	enter := entered[vm.Reference()]
	if names := changeNames(enter); len(names) != 4 {
		t.Fatalf("VM enter changeSet %v, want name, parent, runtime.powerState, runtime.connectionState", names)
	}
	for _, c := range enter.ChangeSet {
		if c.Op != types.PropertyChangeOpAssign || c.Val == nil {
			t.Fatalf("enter change %+v: want assign with a value", c)
		}
	}

	// Nothing changed: maxWaitSeconds 0 answers at once, without an update set.
	zero := int32(0)
	set, took, err := w.call(w.version, &zero, 0)
	if err != nil || set != nil {
		t.Fatalf("maxWaitSeconds 0 without changes: %v, %v; want no update set", set, err)
	}
	if took > 200*time.Millisecond {
		t.Fatalf("maxWaitSeconds 0 took %s, want at once", took)
	}
	one := int32(1)
	if set, took, err := w.call(w.version, &one, 0); err != nil || set != nil || took < 900*time.Millisecond {
		t.Fatalf("maxWaitSeconds 1 without changes: %v, %v after %s; want none after 1 s", set, err, took)
	}

	task, err := vm.Rename(e.ctx, "renamed-vm")
	e.wait(task, err)
	set = w.next(10, 0)
	updates := objectUpdates(set)
	if len(updates) != 1 {
		t.Fatalf("after a rename: %d object updates %+v, want 1", len(updates), updates)
	}
	u := updates[0]
	if u.Obj != vm.Reference() || u.Kind != types.ObjectUpdateKindModify || len(u.ChangeSet) != 1 {
		t.Fatalf("after a rename: %+v, want one modify of %s", u, vm.Reference())
	}
	if c := u.ChangeSet[0]; c.Name != "name" || c.Op != types.PropertyChangeOpAssign || c.Val != "renamed-vm" {
		t.Fatalf("rename change %+v, want assign name = renamed-vm", c)
	}

	// maxWaitSeconds 0 with a change answers it at once too.
	task, err = vm.PowerOff(e.ctx)
	e.wait(task, err)
	set, took, err = w.call(w.version, &zero, 0)
	if err != nil || set == nil || took > 200*time.Millisecond {
		t.Fatalf("maxWaitSeconds 0 after a power-off: %v, %v after %s", set, err, took)
	}
	updates = objectUpdates(set)
	if len(updates) != 1 || updates[0].Obj != vm.Reference() || len(updates[0].ChangeSet) != 1 ||
		updates[0].ChangeSet[0].Name != "runtime.powerState" || updates[0].ChangeSet[0].Val != types.VirtualMachinePowerStatePoweredOff {
		t.Fatalf("after a power-off: %+v, want runtime.powerState = poweredOff alone", updates)
	}
	previous := w.version
	w.version = set.Version

	// A version may be used again (recovery after a lost answer): the same change comes back.
	again, _, err := w.call(previous, &zero, 0)
	if err != nil || len(objectUpdates(again)) != 1 || again.Version != set.Version {
		t.Fatalf("reusing version %s: %+v, %v; want the same answer", previous, again, err)
	}
	// Version "" gives the whole state again.
	if full, _, err := w.call("", &zero, 0); err != nil || len(objectUpdates(full)) != len(want) {
		t.Fatalf("version \"\" again: %d updates, %v; want %d", len(objectUpdates(full)), err, len(want))
	}
	// An unknown version is refused.
	if _, _, err := w.call("999999", &zero, 0); err == nil {
		t.Fatal("an unknown version was accepted")
	} else if _, ok := faultOf(t, err).(*types.InvalidCollectorVersion); !ok {
		t.Fatalf("an unknown version: %v, want InvalidCollectorVersion", err)
	}
	neg := int32(-1)
	if _, _, err := w.call(w.version, &neg, 0); err == nil {
		t.Fatal("maxWaitSeconds -1 was accepted")
	} else if f, ok := faultOf(t, err).(*types.InvalidArgument); !ok || f.InvalidProperty != "maxWaitSeconds" {
		t.Fatalf("maxWaitSeconds -1: %v, want InvalidArgument", err)
	}
}

func TestUpdatesEnterAndLeave(t *testing.T) {
	e := newLCEnv(t)
	w := e.inventoryWatch()
	w.fill(0)

	folder, err := e.finder.DefaultFolder(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	pool := e.pool("DC0_H0/Resources")
	spec := types.VirtualMachineConfigSpec{Name: "entering-vm", GuestId: "otherGuest", Files: &types.VirtualMachineFileInfo{VmPathName: "[LocalDS_0]"}}
	task, err := folder.CreateVM(e.ctx, spec, pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := task.WaitForResult(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	created := info.Result.(types.ManagedObjectReference)
	u, all := w.waitFor(created)
	if u.Kind != types.ObjectUpdateKindEnter {
		t.Fatalf("a created VM: %s, want enter", u.Kind)
	}
	got := map[string]interface{}{}
	for _, c := range u.ChangeSet {
		got[c.Name] = c.Val
	}
	if got["name"] != "entering-vm" || got["parent"] != folder.Reference() || got["runtime.powerState"] != types.VirtualMachinePowerStatePoweredOff {
		t.Fatalf("enter of the created VM: %v", got)
	}
	for _, other := range all {
		if other.Obj.Type == "Task" {
			t.Fatalf("a Task in an inventory of ManagedEntity: %+v", other)
		}
	}

	vm := object.NewVirtualMachine(e.client.Client, created)
	task, err = vm.Destroy(e.ctx)
	e.wait(task, err)
	u, _ = w.waitFor(created)
	if u.Kind != types.ObjectUpdateKindLeave || len(u.ChangeSet) != 0 {
		t.Fatalf("a destroyed VM: %+v, want leave", u)
	}
	zero := int32(0)
	if set, _, err := w.call(w.version, &zero, 0); err != nil || set != nil {
		t.Fatalf("after the leave: %+v, %v; want nothing more", objectUpdates(set), err)
	}
}

func TestUpdatesTruncatedPages(t *testing.T) {
	e := newLCEnv(t, func(m *simulator.Model) { m.Machine = 150 }) // 300 VMs
	w := e.inventoryWatch()
	want := w.inventoryRefs()
	entered, pages := w.fill(40)
	if len(entered) != len(want) || len(want) < 300 {
		t.Fatalf("paged initial state: %d objects, the view has %d", len(entered), len(want))
	}
	if wantPages := (len(want) + 39) / 40; pages != wantPages {
		t.Fatalf("%d objects in %d pages of 40, want %d pages", len(want), pages, wantPages)
	}
	t.Logf("%d objects in %d pages of at most 40", len(want), pages)

	// Changes made while the client pages are not lost: rename a VM between two pages of a new read from "".
	w.version = ""
	first := w.next(10, 40)
	if first.Truncated == nil || !*first.Truncated {
		t.Fatal("the first page of 40 is not truncated")
	}
	vm := e.vm("DC0_H0_VM1")
	task, err := vm.Rename(e.ctx, "renamed-while-paging")
	e.wait(task, err)
	seen := map[types.ManagedObjectReference]types.ObjectUpdate{}
	for _, u := range objectUpdates(first) {
		seen[u.Obj] = u
	}
	for {
		set := w.next(10, 40)
		if set == nil {
			t.Fatal("a truncated read ended without an answer")
		}
		for _, u := range objectUpdates(set) {
			seen[u.Obj] = u
		}
		if set.Truncated == nil || !*set.Truncated {
			break
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("paged read with a change: %d objects, want %d", len(seen), len(want))
	}
	var name interface{}
	for _, c := range seen[vm.Reference()].ChangeSet {
		if c.Name == "name" {
			name = c.Val
		}
	}
	if name != "renamed-while-paging" {
		t.Fatalf("the VM renamed while paging ended as %v", name)
	}
	zero := int32(0)
	if set, _, err := w.call(w.version, &zero, 0); err != nil || set != nil {
		t.Fatalf("after the last page: %d updates, %v; want none", len(objectUpdates(set)), err)
	}

	// Many changes at once come in pages too.
	vms, err := e.finder.VirtualMachineList(e.ctx, "DC0_C0_RP0_VM*")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vms[:100] {
		task, err := v.PowerOff(e.ctx)
		e.wait(task, err)
	}
	changed := map[types.ManagedObjectReference]bool{}
	for len(changed) < 100 {
		set := w.next(10, 30)
		if set == nil {
			t.Fatalf("only %d of 100 power-offs came", len(changed))
		}
		updates := objectUpdates(set)
		if len(updates) > 30 {
			t.Fatalf("%d updates in a page of 30", len(updates))
		}
		for _, u := range updates {
			if u.Kind != types.ObjectUpdateKindModify || len(u.ChangeSet) != 1 || u.ChangeSet[0].Name != "runtime.powerState" {
				t.Fatalf("power-off update %+v", u)
			}
			changed[u.Obj] = true
		}
	}
}

func TestUpdatesCancelWaitForUpdates(t *testing.T) {
	e := newLCEnv(t)
	w := e.inventoryWatch()
	w.fill(0)
	done := make(chan error, 1)
	go func() {
		_, _, err := w.call(w.version, nil, 0) // no maxWaitSeconds: waits until a change
		done <- err
	}()
	// Cancel until the call has ended (a cancel that comes before the call starts waiting cancels nothing).
	deadline := time.After(30 * time.Second)
	for {
		if _, err := methods.CancelWaitForUpdates(e.ctx, e.client.Client, &types.CancelWaitForUpdates{This: w.pc}); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if _, ok := faultOf(t, err).(*types.RequestCanceled); !ok {
				t.Fatalf("a canceled wait: %v, want RequestCanceled", err)
			}
			return
		case <-deadline:
			t.Fatal("CancelWaitForUpdates did not end the wait")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestUpdatesLargeInventory checks that one change on 5,000 VMs is answered from that change alone.
func TestUpdatesLargeInventory(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000 VMs")
	}
	start := time.Now()
	e := newLCEnv(t, func(m *simulator.Model) { m.Machine = 2500 }) // 2 × 2,500 VMs
	t.Logf("model with 5,000 VMs created in %s", time.Since(start).Round(time.Millisecond))
	w := e.inventoryWatch()

	read0 := atomic.LoadInt64(&updateStats.objectsRead)
	start = time.Now()
	entered, pages := w.fill(1000)
	fill := time.Since(start)
	readFill := atomic.LoadInt64(&updateStats.objectsRead) - read0
	if len(entered) < 5000 {
		t.Fatalf("initial state: %d objects, want more than 5,000", len(entered))
	}
	t.Logf("initial state: %d objects in %d pages of 1,000 in %s (%d objects read)", len(entered), pages, fill.Round(time.Millisecond), readFill)

	vm := e.vm("DC0_H0_VM1234")
	task, err := vm.Rename(e.ctx, "renamed-in-a-large-inventory")
	e.wait(task, err)

	read1 := atomic.LoadInt64(&updateStats.objectsRead)
	refs1 := atomic.LoadInt64(&updateStats.refsTraversed)
	set, took, err := w.call(w.version, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	read := atomic.LoadInt64(&updateStats.objectsRead) - read1
	traversed := atomic.LoadInt64(&updateStats.refsTraversed) - refs1
	updates := objectUpdates(set)
	if len(updates) != 1 || updates[0].Obj != vm.Reference() || len(updates[0].ChangeSet) != 1 || updates[0].ChangeSet[0].Name != "name" {
		t.Fatalf("after one rename: %+v", updates)
	}
	t.Logf("one rename answered in %s: %d objects read, %d references traversed", took.Round(time.Microsecond), read, traversed)
	if read > 5 || traversed != 0 {
		t.Fatalf("one rename read %d objects and traversed %d references, want a handful and none", read, traversed)
	}
	if took > fill/20 {
		t.Fatalf("one rename took %s, the initial state %s", took, fill)
	}

	// A power-off while a client waits wakes it (no polling).
	w.version = set.Version
	vm2 := e.vm("DC0_C0_RP0_VM2000")
	waited := make(chan *types.UpdateSet, 1)
	go func() {
		set, _, err := w.call(w.version, nil, 0)
		if err != nil {
			t.Error(err)
		}
		waited <- set
	}()
	task, err = vm2.PowerOff(e.ctx)
	e.wait(task, err)
	select {
	case set := <-waited:
		updates := objectUpdates(set)
		if len(updates) != 1 || updates[0].Obj != vm2.Reference() {
			t.Fatalf("after a power-off: %+v", updates)
		}
		w.version = set.Version
	case <-time.After(30 * time.Second):
		t.Fatal("the waiting call did not answer the power-off")
	}

	// A VM created in the large inventory enters; the object set is recomputed from references only.
	refs2 := atomic.LoadInt64(&updateStats.refsTraversed)
	read2 := atomic.LoadInt64(&updateStats.objectsRead)
	folder, err := e.finder.DefaultFolder(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	spec := types.VirtualMachineConfigSpec{Name: "new-in-large", GuestId: "otherGuest", Files: &types.VirtualMachineFileInfo{VmPathName: "[LocalDS_0]"}}
	ctask, err := folder.CreateVM(e.ctx, spec, e.pool("DC0_H0/Resources"), nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := ctask.WaitForResult(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	u, _ := w.waitFor(info.Result.(types.ManagedObjectReference))
	if u.Kind != types.ObjectUpdateKindEnter {
		t.Fatalf("created VM: %s", u.Kind)
	}
	t.Logf("a created VM entered in %s: %d objects read, %d references traversed", time.Since(start).Round(time.Microsecond),
		atomic.LoadInt64(&updateStats.objectsRead)-read2, atomic.LoadInt64(&updateStats.refsTraversed)-refs2)
	if read := atomic.LoadInt64(&updateStats.objectsRead) - read2; read > 10 {
		t.Fatalf("a created VM made %d objects be read", read)
	}
}

func TestUpdatesWaitEndsWhenTheClientGoes(t *testing.T) {
	e := newLCEnv(t)
	w := e.inventoryWatch()
	w.fill(0)
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() {
		_, err := methods.WaitForUpdatesEx(ctx, e.client.Client, &types.WaitForUpdatesEx{This: w.pc, Version: w.version})
		done <- err
	}()
	pending := func() int { // this collector's long polls (other tests' servers may leave theirs)
		waitRequests.Lock()
		defer waitRequests.Unlock()
		n := 0
		for key, list := range waitRequests.byKey {
			if strings.HasSuffix(key, "|PropertyCollector:"+w.pc.Value) {
				n += len(list)
			}
		}
		return n
	}
	deadline := time.Now().Add(30 * time.Second)
	for pending() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the long poll never reached the server")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel() // the client gives up: its connection closes
	<-done
	for pending() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the server still waits for a client that went away")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestUpdatesWaitUpdateDelayHoldsBackAWokenAnswer(t *testing.T) {
	e := newLCEnv(t)
	w := e.inventoryWatch()
	w.fill(0)
	defer func(previous time.Duration) { waitUpdateDelay = previous }(waitUpdateDelay)
	waitUpdateDelay = 1500 * time.Millisecond

	// A change already there when the call comes is answered at once: only a wait woken by a change is held.
	vm := e.vm("DC0_H0_VM0")
	task, err := vm.Rename(e.ctx, "renamed-before")
	e.wait(task, err)
	ten := int32(10)
	set, took, err := w.call(w.version, &ten, 0)
	if err != nil || len(objectUpdates(set)) != 1 || took > 500*time.Millisecond {
		t.Fatalf("a change made before the call: %v, %v after %s; want it at once", set, err, took)
	}
	w.version = set.Version

	// A change made while the call waits reaches it only after the delay.
	calculated := atomic.LoadInt64(&updateStats.calculations)
	go func() {
		w.waitUntilCalculatedSince(calculated) // the call found nothing and waits: the change comes during the wait
		task, err := vm.Rename(e.ctx, "renamed-while-waiting")
		e.wait(task, err)
	}()
	set, took, err = w.call(w.version, &ten, 0)
	if err != nil || len(objectUpdates(set)) != 1 || took < 1500*time.Millisecond {
		t.Fatalf("a change made during the wait: %v, %v after %s; want it after the 1.5 s delay", set, err, took)
	}
}

// waitUntilCalculatedSince returns once the watch's collector has made and finished a calculation after the count
// given (its call then waits for a change), within a generous bound.
func (w *inventoryWatch) waitUntilCalculatedSince(count int64) {
	deadline := time.Now().Add(30 * time.Second)
	for atomic.LoadInt64(&updateStats.calculations) == count && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	var st *collectorState
	activeHub().each(func(f *updatesFilter) bool {
		if f.st.pc.Self == w.pc {
			st = f.st
		}
		return false
	})
	if st != nil {
		st.compute.Lock() // held for the length of a calculation: the one counted is over
		st.compute.Unlock()
	}
}
