package main

// PropertyCollector updates as vCenter computes them (vSphere API reference: PropertyCollector.WaitForUpdatesEx,
// CheckForUpdates, WaitForUpdates, CancelWaitForUpdates, WaitOptions, UpdateSet, ObjectUpdate, PropertyChange):
//
//   - version "" answers the whole current contents of every filter of the collector, as "enter" updates; a version
//     returned earlier answers only what changed since that version: objects that entered or left a filter's object
//     set ("enter" with every property, "leave"), and for the other objects only the properties whose value changed
//     ("modify", op "assign"; a property that became unset is an "assign" without val). A version may be used again
//     (the API's recovery after a lost answer): the answer is everything that changed since it. An unknown version:
//     InvalidCollectorVersion.
//   - WaitOptions.maxWaitSeconds: 0 makes one calculation and answers at once (no updateSet when nothing changed);
//     unset waits until something changes; > 0 waits at most that long, then answers no updateSet. Negative:
//     InvalidArgument.
//   - WaitOptions.maxObjectUpdates: at most that many ObjectUpdate entries in one answer, summed over the filters;
//     when more are ready the answer has truncated=true and a version that resumes where it stopped. Negative:
//     InvalidArgument. -wait-max-object-updates is the server's own cap (default 0: none).
//   - CancelWaitForUpdates ends the waiting calls of the collector with RequestCanceled.
//
// How: each filter keeps, per object, the values it last reported (primitive values as such, data objects as their
// XML form) and the sequence number of the change that last touched each property; a change log ordered by that
// number answers "what changed since version v" (a version is such a number). The log is fed by a registry handler
// (simulator.Map.AddHandler): a Put, Update or Remove of a member of a filter only marks that object dirty and wakes
// the waiting calls; the next calculation reads the dirty objects alone (one RetrievePropertiesEx of the stock
// collector for the batch, so property semantics stay the stock ones) and compares them with what was reported.
// The object set (ObjectSpec and TraversalSpecs, ContainerView/ListView "view" included) is recomputed, as
// references only, when a traversed object's traversal property changes, when a traversed object is removed, or
// when an object that could be a member is created. The stock collector re-collected every filter whole on each change
// and polled every 250 ms.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
	"github.com/vmware/govmomi/vim25/xml"
)

// waitMaxObjectUpdates is the server's cap on ObjectUpdate entries per WaitForUpdatesEx answer (0: none).
var waitMaxObjectUpdates = 0

// waitUpdateDelay holds back the answer to a waiting call once a change has woken it (0: none): vCenter promises no
// time within which a change reaches a waiting client, and tests use this to see what a client does meanwhile.
var waitUpdateDelay time.Duration

// readBatch is how many objects one stock RetrievePropertiesEx reads at a time during a calculation.
const readBatch = 1000

const updateStatsPath = "/vcsim/property-updates"

// updateStats counts the work of the calculations, for tests and benchmarks (GET /vcsim/property-updates).
var updateStats struct {
	calculations  int64 // change calculations made (one per answer, plus one per wake-up without changes)
	objectsRead   int64 // objects whose properties were read
	refsTraversed int64 // references visited while recomputing object sets
}

func init() {
	flag.IntVar(&waitMaxObjectUpdates, "wait-max-object-updates", waitMaxObjectUpdates,
		"the most ObjectUpdate entries in one WaitForUpdatesEx answer, whatever maxObjectUpdates asks (0: no cap)")
	flag.DurationVar(&waitUpdateDelay, "wait-update-delay", waitUpdateDelay,
		"how long a waiting WaitForUpdatesEx or WaitForUpdates holds back its answer after a change woke it (0: none)")
	extensions = append(extensions, installUpdatesCollector)
	simulator.RegisterEndpoint(func(s *simulator.Service, _ *simulator.Registry) {
		s.HandleFunc(updateStatsPath, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]int64{
				"calculations":  atomic.LoadInt64(&updateStats.calculations),
				"objectsRead":   atomic.LoadInt64(&updateStats.objectsRead),
				"refsTraversed": atomic.LoadInt64(&updateStats.refsTraversed),
			})
		})
	})
}

var currentHub struct {
	sync.Mutex
	hub *updateHub
}

func activeHub() *updateHub {
	currentHub.Lock()
	defer currentHub.Unlock()
	return currentHub.hub
}

// installUpdatesCollector replaces the PropertyCollector singleton by an updatesCollector (every session's own
// instance is made from its type, see simulator.Session.Get) and registers the registry handler.
func installUpdatesCollector(*simulator.Model) {
	hub := &updateHub{filters: map[*updatesFilter]struct{}{}, removed: map[types.ManagedObjectReference]struct{}{}}
	currentHub.Lock()
	currentHub.hub = hub
	currentHub.Unlock()
	simulator.Map.AddHandler(hub)
	pc := &updatesCollector{}
	pc.Self = serviceContent().PropertyCollector
	simulator.Map.Put(pc)
}

// updateHub receives every Put, Update and Remove of the registry and passes them to the filters.
type updateHub struct {
	mu      sync.RWMutex
	filters map[*updatesFilter]struct{}
	removed map[types.ManagedObjectReference]struct{} // removed from the registry (and not put again)
}

func (h *updateHub) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "McVSphereUpdateHub", Value: "property-updates"}
}

func (h *updateHub) each(f func(*updatesFilter) bool) {
	var wake []*collectorState
	h.mu.RLock()
	for filter := range h.filters {
		if f(filter) {
			wake = append(wake, filter.st)
		}
	}
	h.mu.RUnlock()
	for _, st := range wake {
		st.notify()
	}
}

func (h *updateHub) PutObject(obj mo.Reference) {
	ref := obj.Reference()
	h.mu.Lock()
	delete(h.removed, ref)
	h.mu.Unlock()
	h.each(func(f *updatesFilter) bool { return f.onPut(ref, obj) })
}

func (h *updateHub) UpdateObject(obj mo.Reference, changes []types.PropertyChange) {
	ref := obj.Reference()
	h.each(func(f *updatesFilter) bool { return f.onUpdate(ref, changes) })
}

func (h *updateHub) RemoveObject(ref types.ManagedObjectReference) {
	h.mu.Lock()
	h.removed[ref] = struct{}{}
	h.mu.Unlock()
	h.each(func(f *updatesFilter) bool { return f.onRemove(ref) })
}

func (h *updateHub) isRemoved(ref types.ManagedObjectReference) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	_, gone := h.removed[ref]
	return gone
}

func (h *updateHub) add(f *updatesFilter) {
	h.mu.Lock()
	h.filters[f] = struct{}{}
	h.mu.Unlock()
}

func (h *updateHub) remove(f *updatesFilter) {
	h.mu.Lock()
	delete(h.filters, f)
	h.mu.Unlock()
}

// updatesCollector is the PropertyCollector with vCenter's update calculation; retrievals are the stock ones.
// It is created by reflection (simulator.Session.Get) as a zero value, so its state is made on first use.
type updatesCollector struct {
	simulator.PropertyCollector

	once sync.Once
	st   *collectorState
}

type collectorState struct {
	pc  *updatesCollector
	hub *updateHub

	mu      sync.Mutex // guards the fields below; a leaf lock
	filters []*updatesFilter
	waiters map[chan struct{}]struct{} // closed by CancelWaitForUpdates
	changed chan struct{}              // closed on the next change while armed
	armed   bool

	compute sync.Mutex // one calculation at a time; guards seq, issued and the filters' logs
	seq     int64      // the last sequence number given to a change
	issued  int64      // the highest version answered
}

func (pc *updatesCollector) state() *collectorState {
	pc.once.Do(func() {
		pc.st = &collectorState{pc: pc, hub: activeHub(), waiters: map[chan struct{}]struct{}{}, changed: make(chan struct{})}
	})
	return pc.st
}

func (st *collectorState) notify() {
	st.mu.Lock()
	if st.armed {
		close(st.changed)
		st.changed = make(chan struct{})
		st.armed = false
	}
	st.mu.Unlock()
}

// arm returns a channel that is closed by the next change.
func (st *collectorState) arm() <-chan struct{} {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.armed = true
	return st.changed
}

func (st *collectorState) filterList() []*updatesFilter {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]*updatesFilter(nil), st.filters...)
}

func (st *collectorState) next() int64 {
	st.seq++
	return st.seq
}

func (pc *updatesCollector) CreatePropertyCollector(ctx *simulator.Context, _ *types.CreatePropertyCollector) soap.HasFault {
	cpc := &updatesCollector{}
	cpc.Self.Type = "PropertyCollector"
	ctx.Session.Put(cpc)
	return &methods.CreatePropertyCollectorBody{Res: &types.CreatePropertyCollectorResponse{Returnval: cpc.Self}}
}

func (pc *updatesCollector) CreateFilter(ctx *simulator.Context, c *types.CreateFilter) soap.HasFault {
	st := pc.state()
	f := newUpdatesFilter(st, c.Spec)
	f.PartialUpdates = c.PartialUpdates
	f.Self.Type = "PropertyFilter"
	ctx.Session.Put(f)
	pc.Filter = append(pc.Filter, f.Self)
	st.mu.Lock()
	st.filters = append(st.filters, f)
	st.mu.Unlock()
	if st.hub != nil {
		st.hub.add(f)
	}
	st.notify()
	return &methods.CreateFilterBody{Res: &types.CreateFilterResponse{Returnval: f.Self}}
}

func (pc *updatesCollector) DestroyPropertyCollector(ctx *simulator.Context, c *types.DestroyPropertyCollector) soap.HasFault {
	pc.state().cancelWaits()
	for _, ref := range append([]types.ManagedObjectReference(nil), pc.Filter...) {
		if f, ok := ctx.Session.Get(ref).(*updatesFilter); ok {
			f.destroy(ctx)
		}
	}
	ctx.Session.Remove(c.This)
	ctx.Map.Remove(c.This)
	return &methods.DestroyPropertyCollectorBody{Res: &types.DestroyPropertyCollectorResponse{}}
}

func (pc *updatesCollector) CancelWaitForUpdates(*types.CancelWaitForUpdates) soap.HasFault {
	pc.state().cancelWaits()
	return &methods.CancelWaitForUpdatesBody{Res: new(types.CancelWaitForUpdatesResponse)}
}

func (st *collectorState) cancelWaits() {
	st.mu.Lock()
	for ch := range st.waiters {
		close(ch)
		delete(st.waiters, ch)
	}
	st.mu.Unlock()
}

func (pc *updatesCollector) WaitForUpdatesEx(ctx *simulator.Context, r *types.WaitForUpdatesEx) soap.HasFault {
	body := &methods.WaitForUpdatesExBody{}
	var maxWait *int32
	budget := 0
	if o := r.Options; o != nil {
		if o.MaxWaitSeconds != nil && *o.MaxWaitSeconds < 0 {
			body.Fault_ = fault("A specified parameter was not correct: maxWaitSeconds", &types.InvalidArgument{InvalidProperty: "maxWaitSeconds"})
			return body
		}
		if o.MaxObjectUpdates < 0 {
			body.Fault_ = fault("A specified parameter was not correct: maxObjectUpdates", &types.InvalidArgument{InvalidProperty: "maxObjectUpdates"})
			return body
		}
		maxWait, budget = o.MaxWaitSeconds, int(o.MaxObjectUpdates)
	}
	if limit := waitMaxObjectUpdates; limit > 0 && (budget == 0 || budget > limit) {
		budget = limit
	}
	set, f := pc.state().wait(ctx, r.Version, maxWait, budget)
	if f != nil {
		body.Fault_ = f
		return body
	}
	body.Res = &types.WaitForUpdatesExResponse{Returnval: set}
	return body
}

// WaitForUpdates (deprecated) waits until something changes and never truncates.
func (pc *updatesCollector) WaitForUpdates(ctx *simulator.Context, r *types.WaitForUpdates) soap.HasFault {
	body := &methods.WaitForUpdatesBody{}
	set, f := pc.state().wait(ctx, r.Version, nil, 0)
	switch {
	case f != nil:
		body.Fault_ = f
	case set == nil:
		body.Fault_ = fault("", new(types.RequestCanceled))
	default:
		body.Res = &types.WaitForUpdatesResponse{Returnval: *set}
	}
	return body
}

// CheckForUpdates (deprecated) makes one calculation and never truncates.
func (pc *updatesCollector) CheckForUpdates(ctx *simulator.Context, r *types.CheckForUpdates) soap.HasFault {
	body := &methods.CheckForUpdatesBody{}
	zero := int32(0)
	set, f := pc.state().wait(ctx, r.Version, &zero, 0)
	if f != nil {
		body.Fault_ = f
		return body
	}
	body.Res = &types.CheckForUpdatesResponse{Returnval: set}
	return body
}

func (st *collectorState) wait(ctx *simulator.Context, version string, maxWait *int32, budget int) (*types.UpdateSet, *soap.Fault) {
	var deadline <-chan time.Time
	if maxWait != nil && *maxWait > 0 {
		timer := time.NewTimer(time.Duration(*maxWait) * time.Second)
		defer timer.Stop()
		deadline = timer.C
	}
	canceled := make(chan struct{})
	st.mu.Lock()
	st.waiters[canceled] = struct{}{}
	st.mu.Unlock()
	defer func() {
		st.mu.Lock()
		delete(st.waiters, canceled)
		st.mu.Unlock()
	}()
	var gone <-chan struct{}
	if ctx.Session != nil {
		gone = waitRequestDone(ctx.Session.Key, st.pc.Self)
	}

	for {
		changed := st.arm()
		set, f := st.calculate(ctx, version, budget)
		if f != nil || set != nil {
			return set, f
		}
		if maxWait != nil && *maxWait == 0 {
			return nil, nil
		}
		select {
		case <-changed:
			if waitUpdateDelay > 0 {
				// Late, but not past the call's end: a cancellation or the client going away still ends it.
				hold := time.NewTimer(waitUpdateDelay)
				select {
				case <-hold.C:
				case <-canceled:
					hold.Stop()
					return nil, fault("", new(types.RequestCanceled))
				case <-gone:
					hold.Stop()
					return nil, fault("", new(types.RequestCanceled))
				}
			}
		case <-deadline:
			return nil, nil
		case <-canceled:
			return nil, fault("", new(types.RequestCanceled))
		case <-gone:
			return nil, fault("", new(types.RequestCanceled))
		}
	}
}

// calculate brings every filter up to date and answers what changed since version, or nil when nothing did (a
// version "" always gets an answer).
func (st *collectorState) calculate(ctx *simulator.Context, version string, budget int) (*types.UpdateSet, *soap.Fault) {
	st.compute.Lock()
	defer st.compute.Unlock()
	atomic.AddInt64(&updateStats.calculations, 1)

	var since int64
	if version != "" {
		n, err := strconv.ParseInt(version, 10, 64)
		if err != nil || n < 0 || n > st.issued {
			return nil, fault(fmt.Sprintf("The version %q is not a valid data version of this collector", version), new(types.InvalidCollectorVersion))
		}
		since = n
	}
	filters := st.filterList()
	for _, f := range filters {
		f.refresh(ctx)
	}
	set, emitted, truncated, last := collectUpdates(filters, since, budget)
	if emitted == 0 && version != "" {
		return nil, nil
	}
	v := st.seq
	if truncated {
		v = last
	}
	if v > st.issued {
		st.issued = v
	}
	set.Version = strconv.FormatInt(v, 10)
	set.Truncated = types.NewBool(truncated)
	return set, nil
}

// collectUpdates answers the changes after since, in the order they were made, at most budget ObjectUpdates (0: all).
func collectUpdates(filters []*updatesFilter, since int64, budget int) (set *types.UpdateSet, emitted int, truncated bool, last int64) {
	set = &types.UpdateSet{}
	pos := make([]int, len(filters))
	for i, f := range filters {
		pos[i] = sort.Search(len(f.log), func(j int) bool { return f.log[j].seq > since })
	}
	updates := make([]*types.PropertyFilterUpdate, len(filters))
	for {
		best := -1
		for i, f := range filters {
			for pos[i] < len(f.log) && !f.reportable(f.log[pos[i]], since) {
				pos[i]++
			}
			if pos[i] < len(f.log) && (best < 0 || f.log[pos[i]].seq < filters[best].log[pos[best]].seq) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		if budget > 0 && emitted == budget {
			truncated = true
			break
		}
		f := filters[best]
		rec := f.log[pos[best]]
		pos[best]++
		if updates[best] == nil {
			updates[best] = &types.PropertyFilterUpdate{Filter: f.Self}
		}
		updates[best].ObjectSet = append(updates[best].ObjectSet, rec.e.update(since))
		emitted++
		last = rec.seq
	}
	for _, u := range updates {
		if u != nil {
			set.FilterSet = append(set.FilterSet, *u)
		}
	}
	return set, emitted, truncated, last
}

// updatesFilter is a PropertyFilter of an updatesCollector.
type updatesFilter struct {
	mo.PropertyFilter

	st *collectorState

	// Event state, guarded by mu (a leaf lock, taken by the registry handler under object locks).
	mu          sync.Mutex
	structDirty bool                                      // the object set must be recomputed
	dirty       map[types.ManagedObjectReference]struct{} // objects to read again
	members     map[types.ManagedObjectReference]struct{} // the object set
	visited     map[types.ManagedObjectReference]struct{} // objects the traversal reads
	roots       map[types.ManagedObjectReference]struct{} // the ObjectSpec objects
	paths       []string                                  // the traversal paths
	traversal   bool                                      // some ObjectSpec has a selectSet
	typeMatches map[string]bool                           // object type -> the PropSet applies to it

	// Reported state, guarded by st.compute.
	objs map[types.ManagedObjectReference]*objEntry
	log  []logRecord // ascending seq; a record is stale when its entry has changed since
}

type logRecord struct {
	seq int64
	e   *objEntry
}

// objEntry is what the filter last reported of one object.
type objEntry struct {
	ref     types.ManagedObjectReference
	enter   int64 // seq of the change that brought it in
	seq     int64 // seq of its last change
	left    bool
	props   map[string]*propEntry
	order   []string
	missing []types.MissingProperty
}

type propEntry struct {
	seq  int64
	set  bool
	snap interface{} // a comparable value: the primitive value or MOR itself, else the value's XML
	val  interface{} // the value read (used when its XML cannot be decoded back)
	typ  reflect.Type
}

func newUpdatesFilter(st *collectorState, spec types.PropertyFilterSpec) *updatesFilter {
	f := &updatesFilter{
		st:          st,
		structDirty: true,
		dirty:       map[types.ManagedObjectReference]struct{}{},
		members:     map[types.ManagedObjectReference]struct{}{},
		visited:     map[types.ManagedObjectReference]struct{}{},
		roots:       map[types.ManagedObjectReference]struct{}{},
		typeMatches: map[string]bool{},
		objs:        map[types.ManagedObjectReference]*objEntry{},
	}
	f.Spec = spec
	seenPath := map[string]bool{}
	var collect func(sel []types.BaseSelectionSpec, depth int)
	collect = func(sel []types.BaseSelectionSpec, depth int) {
		for _, s := range sel {
			if ts, ok := s.(*types.TraversalSpec); ok && depth < 64 {
				if !seenPath[ts.Path] {
					seenPath[ts.Path] = true
					f.paths = append(f.paths, ts.Path)
				}
				collect(ts.SelectSet, depth+1)
			}
		}
	}
	for _, o := range spec.ObjectSet {
		f.roots[o.Obj] = struct{}{}
		if len(o.SelectSet) > 0 {
			f.traversal = true
		}
		collect(o.SelectSet, 0)
	}
	return f
}

func (f *updatesFilter) DestroyPropertyFilter(ctx *simulator.Context, c *types.DestroyPropertyFilter) soap.HasFault {
	f.destroy(ctx)
	return &methods.DestroyPropertyFilterBody{Res: &types.DestroyPropertyFilterResponse{}}
}

func (f *updatesFilter) destroy(ctx *simulator.Context) {
	st := f.st
	simulator.RemoveReference(&st.pc.Filter, f.Self)
	st.mu.Lock()
	for i, other := range st.filters {
		if other == f {
			st.filters = append(st.filters[:i:i], st.filters[i+1:]...)
			break
		}
	}
	st.mu.Unlock()
	if st.hub != nil {
		st.hub.remove(f)
	}
	ctx.Session.Remove(f.Self)
	st.notify()
}

// typeMatchLocked reports whether the PropSet applies to objects of ref's type, as the stock collector decides
// (the type itself, its Go mo type's name, or a type it embeds such as ManagedEntity). f.mu is held.
func (f *updatesFilter) typeMatchLocked(ref types.ManagedObjectReference, obj mo.Reference) bool {
	if m, ok := f.typeMatches[ref.Type]; ok {
		return m
	}
	if obj == nil {
		return false
	}
	rval := moValue(obj)
	if !rval.IsValid() {
		return false
	}
	rtype := rval.Type()
	match := false
	for _, p := range f.Spec.PropSet {
		if p.Type == ref.Type || p.Type == rtype.Name() {
			match = true
			break
		}
		if field, ok := rtype.FieldByName(p.Type); ok && field.Anonymous {
			match = true
			break
		}
	}
	f.typeMatches[ref.Type] = match
	return match
}

func (f *updatesFilter) onPut(ref types.ManagedObjectReference, obj mo.Reference) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	wake := false
	if _, ok := f.members[ref]; ok {
		f.dirty[ref] = struct{}{} // replaced in the registry
		wake = true
	}
	if _, ok := f.roots[ref]; ok || (f.traversal && f.typeMatchLocked(ref, obj)) {
		f.structDirty = true
		wake = true
	}
	return wake
}

func (f *updatesFilter) onUpdate(ref types.ManagedObjectReference, changes []types.PropertyChange) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	wake := false
	if _, ok := f.members[ref]; ok {
		f.dirty[ref] = struct{}{}
		wake = true
	}
	if _, ok := f.visited[ref]; ok && f.traversal && touchesPaths(changes, f.paths) {
		f.structDirty = true
		wake = true
	}
	return wake
}

func (f *updatesFilter) onRemove(ref types.ManagedObjectReference) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	wake := false
	if _, ok := f.members[ref]; ok {
		delete(f.members, ref)
		f.dirty[ref] = struct{}{}
		wake = true
	}
	if _, ok := f.visited[ref]; ok && f.traversal {
		f.structDirty = true
		wake = true
	}
	return wake
}

// touchesPaths reports whether a change names a traversal path, a part of one, or a property inside one.
func touchesPaths(changes []types.PropertyChange, paths []string) bool {
	for _, c := range changes {
		for _, p := range paths {
			if c.Name == p || strings.HasPrefix(c.Name, p+".") || strings.HasPrefix(p, c.Name+".") {
				return true
			}
		}
	}
	return false
}

// refresh turns the filter's pending events into log entries: it recomputes the object set if needed, then reads
// the dirty objects and compares them with what was reported. st.compute is held; no other lock is.
func (f *updatesFilter) refresh(ctx *simulator.Context) {
	f.mu.Lock()
	structDirty := f.structDirty
	f.structDirty = false
	f.mu.Unlock()
	if structDirty {
		members, visited := f.traverse(ctx)
		f.mu.Lock()
		for ref := range members {
			if _, ok := f.members[ref]; !ok {
				f.dirty[ref] = struct{}{}
			}
		}
		for ref := range f.members {
			if _, ok := members[ref]; !ok {
				f.dirty[ref] = struct{}{}
			}
		}
		f.members, f.visited = members, visited
		f.mu.Unlock()
	}

	f.mu.Lock()
	dirty := f.dirty
	f.dirty = map[types.ManagedObjectReference]struct{}{}
	var read, gone []types.ManagedObjectReference
	for ref := range dirty {
		if _, ok := f.members[ref]; ok {
			read = append(read, ref)
		} else {
			gone = append(gone, ref)
		}
	}
	f.mu.Unlock()
	if len(read)+len(gone) == 0 {
		return
	}
	sortRefs(gone)
	sortRefs(read)
	for _, ref := range gone {
		f.leave(ref)
	}
	for start := 0; start < len(read); start += readBatch {
		end := start + readBatch
		if end > len(read) {
			end = len(read)
		}
		batch := read[start:end]
		contents := f.read(ctx, batch)
		for _, ref := range batch {
			content, ok := contents[ref]
			if !ok || (f.st.hub != nil && f.st.hub.isRemoved(ref)) {
				f.leave(ref)
				continue
			}
			f.apply(ref, content)
		}
	}
}

func sortRefs(refs []types.ManagedObjectReference) {
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].Type != refs[j].Type {
			return refs[i].Type < refs[j].Type
		}
		if len(refs[i].Value) != len(refs[j].Value) {
			return len(refs[i].Value) < len(refs[j].Value)
		}
		return refs[i].Value < refs[j].Value
	})
}

// read reads the filter's properties of the given objects with the stock collector.
func (f *updatesFilter) read(ctx *simulator.Context, refs []types.ManagedObjectReference) map[types.ManagedObjectReference]types.ObjectContent {
	atomic.AddInt64(&updateStats.objectsRead, int64(len(refs)))
	spec := types.PropertyFilterSpec{PropSet: f.Spec.PropSet, ReportMissingObjectsInResults: types.NewBool(true)}
	for _, ref := range refs {
		spec.ObjectSet = append(spec.ObjectSet, types.ObjectSpec{Obj: ref})
	}
	out := map[types.ManagedObjectReference]types.ObjectContent{}
	res, ok := f.st.pc.PropertyCollector.RetrievePropertiesEx(ctx, &types.RetrievePropertiesEx{
		This: f.st.pc.Self, SpecSet: []types.PropertyFilterSpec{spec}}).(*methods.RetrievePropertiesExBody)
	if !ok || res.Res == nil || res.Res.Returnval == nil {
		return out
	}
	for _, content := range res.Res.Returnval.Objects {
		out[content.Obj] = content
	}
	return out
}

func (f *updatesFilter) appendLog(e *objEntry) {
	f.log = append(f.log, logRecord{seq: e.seq, e: e})
	if len(f.log) > 2*len(f.objs)+256 {
		live := f.log[:0:0]
		for _, rec := range f.log {
			if rec.seq == rec.e.seq && f.objs[rec.e.ref] == rec.e {
				live = append(live, rec)
			}
		}
		f.log = live
	}
}

// reportable reports whether a log record is current and says something to a client at version since.
func (f *updatesFilter) reportable(rec logRecord, since int64) bool {
	if rec.seq != rec.e.seq || f.objs[rec.e.ref] != rec.e {
		return false
	}
	return !(rec.e.left && rec.e.enter > since) // entered and left since: nothing to say
}

func (f *updatesFilter) leave(ref types.ManagedObjectReference) {
	e := f.objs[ref]
	if e == nil || e.left {
		return
	}
	e.left = true
	e.seq = f.st.next()
	e.props, e.order, e.missing = nil, nil, nil
	f.appendLog(e)
}

// apply compares what was read of an object with what was reported and logs the differences.
func (f *updatesFilter) apply(ref types.ManagedObjectReference, content types.ObjectContent) {
	e := f.objs[ref]
	if e == nil || e.left {
		seq := f.st.next()
		e = &objEntry{ref: ref, enter: seq, seq: seq, props: map[string]*propEntry{}, missing: content.MissingSet}
		for _, p := range content.PropSet {
			if _, dup := e.props[p.Name]; dup {
				continue
			}
			e.props[p.Name] = newPropEntry(p.Val, seq)
			e.order = append(e.order, p.Name)
		}
		f.objs[ref] = e
		f.appendLog(e)
		return
	}
	var seq int64
	seen := map[string]bool{}
	for _, p := range content.PropSet {
		if seen[p.Name] {
			continue
		}
		seen[p.Name] = true
		snap, typ := snapshot(p.Val)
		old := e.props[p.Name]
		if old != nil && old.set && old.snap == snap {
			continue
		}
		if seq == 0 {
			seq = f.st.next()
		}
		if old == nil {
			e.order = append(e.order, p.Name)
		}
		e.props[p.Name] = &propEntry{seq: seq, set: true, snap: snap, val: p.Val, typ: typ}
	}
	for _, name := range e.order {
		if p := e.props[name]; p.set && !seen[name] {
			if seq == 0 {
				seq = f.st.next()
			}
			e.props[name] = &propEntry{seq: seq}
		}
	}
	if seq != 0 {
		e.seq = seq
		f.appendLog(e)
	}
}

func newPropEntry(val interface{}, seq int64) *propEntry {
	snap, typ := snapshot(val)
	return &propEntry{seq: seq, set: true, snap: snap, val: val, typ: typ}
}

// update is the ObjectUpdate of the entry for a client at version since.
func (e *objEntry) update(since int64) types.ObjectUpdate {
	u := types.ObjectUpdate{Obj: e.ref}
	switch {
	case e.left:
		u.Kind = types.ObjectUpdateKindLeave
	case e.enter > since:
		u.Kind = types.ObjectUpdateKindEnter
		for _, name := range e.order {
			if p := e.props[name]; p.set {
				u.ChangeSet = append(u.ChangeSet, types.PropertyChange{Name: name, Op: types.PropertyChangeOpAssign, Val: p.value()})
			}
		}
		u.MissingSet = e.missing
	default:
		u.Kind = types.ObjectUpdateKindModify
		for _, name := range e.order {
			p := e.props[name]
			if p.seq <= since {
				continue
			}
			change := types.PropertyChange{Name: name, Op: types.PropertyChangeOpAssign}
			if p.set {
				change.Val = p.value()
			}
			u.ChangeSet = append(u.ChangeSet, change)
		}
	}
	return u
}

// snapshot returns a comparable form of a property value that later changes of the live object cannot alter.
func snapshot(val interface{}) (interface{}, reflect.Type) {
	if val == nil {
		return nil, nil
	}
	typ := reflect.TypeOf(val)
	if ref, ok := val.(types.ManagedObjectReference); ok {
		return ref, typ
	}
	switch typ.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.String:
		return val, typ
	}
	b, err := xml.Marshal(val)
	if err != nil {
		return fmt.Sprintf("%T %#v", val, val), typ
	}
	return string(b), typ
}

// value is the property's value as it was read: decoded back from its XML snapshot for data objects.
func (p *propEntry) value() interface{} {
	s, ok := p.snap.(string)
	if !ok || p.typ == nil || p.typ.Kind() == reflect.String {
		return p.val
	}
	base := p.typ
	if base.Kind() == reflect.Ptr {
		base = base.Elem()
	}
	dst := reflect.New(base)
	dec := xml.NewDecoder(bytes.NewReader([]byte(s)))
	dec.TypeFunc = types.TypeFunc()
	if err := dec.Decode(dst.Interface()); err != nil {
		return p.val
	}
	if p.typ.Kind() == reflect.Ptr {
		return dst.Interface()
	}
	return dst.Elem().Interface()
}

// traverse computes the filter's object set (references only) as the stock collector selects it: the ObjectSpec
// objects unless skipped, and the objects reached through the TraversalSpecs, of a type the PropSet applies to.
func (f *updatesFilter) traverse(ctx *simulator.Context) (members, visited map[types.ManagedObjectReference]struct{}) {
	members = map[types.ManagedObjectReference]struct{}{}
	visited = map[types.ManagedObjectReference]struct{}{}
	named := map[string]*types.TraversalSpec{}
	var index func(sel []types.BaseSelectionSpec, depth int)
	index = func(sel []types.BaseSelectionSpec, depth int) {
		for _, s := range sel {
			if ts, ok := s.(*types.TraversalSpec); ok && depth < 64 {
				if ts.Name != "" {
					if _, dup := named[ts.Name]; !dup {
						named[ts.Name] = ts
					}
				}
				index(ts.SelectSet, depth+1)
			}
		}
	}
	for _, o := range f.Spec.ObjectSet {
		index(o.SelectSet, 0)
	}
	hub := f.st.hub
	get := func(ref types.ManagedObjectReference) mo.Reference {
		if hub != nil && hub.isRemoved(ref) {
			return nil
		}
		if ctx.Session != nil {
			return ctx.Session.Get(ref)
		}
		return simulator.Map.Get(ref)
	}
	candidate := func(ref types.ManagedObjectReference, obj mo.Reference) {
		atomic.AddInt64(&updateStats.refsTraversed, 1)
		f.mu.Lock()
		_, known := f.typeMatches[ref.Type]
		f.mu.Unlock()
		if !known && obj == nil {
			obj = get(ref)
		}
		if !known && obj == nil {
			return
		}
		if hub != nil && hub.isRemoved(ref) {
			return
		}
		f.mu.Lock()
		match := f.typeMatchLocked(ref, obj)
		f.mu.Unlock()
		if match {
			members[ref] = struct{}{}
		}
	}
	type step struct {
		ref types.ManagedObjectReference
		ts  *types.TraversalSpec
	}
	walked := map[step]bool{}
	var walk func(ref types.ManagedObjectReference, obj mo.Reference, sel []types.BaseSelectionSpec)
	walk = func(ref types.ManagedObjectReference, obj mo.Reference, sel []types.BaseSelectionSpec) {
		for _, s := range sel {
			ts, ok := s.(*types.TraversalSpec)
			if !ok {
				ts = named[s.GetSelectionSpec().Name]
			}
			if ts == nil || walked[step{ref, ts}] {
				continue
			}
			walked[step{ref, ts}] = true
			var refs []types.ManagedObjectReference
			simulator.Map.WithLock(ref, func() { refs = pathRefs(obj, ts.Path) })
			for _, child := range refs {
				var childObj mo.Reference
				if len(ts.SelectSet) > 0 {
					if childObj = get(child); childObj == nil {
						continue
					}
					visited[child] = struct{}{}
				}
				if ts.Skip == nil || !*ts.Skip {
					candidate(child, childObj)
				}
				if childObj != nil {
					walk(child, childObj, ts.SelectSet)
				}
			}
		}
	}
	for _, o := range f.Spec.ObjectSet {
		obj := get(o.Obj)
		if obj == nil {
			continue
		}
		visited[o.Obj] = struct{}{}
		if o.SelectSet == nil || o.Skip == nil || !*o.Skip {
			candidate(o.Obj, obj)
		}
		walk(o.Obj, obj, o.SelectSet)
	}
	return members, visited
}

// moValue digs the vim25/mo struct out of a registry object (simulator types embed it first).
func moValue(obj mo.Reference) reflect.Value {
	type getter interface{ Get() mo.Reference }
	if g, ok := obj.(getter); ok {
		obj = g.Get()
	}
	v := reflect.ValueOf(obj)
	for v.Kind() == reflect.Ptr || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	for path.Base(v.Type().PkgPath()) != "mo" {
		if v.Kind() != reflect.Struct || v.NumField() == 0 {
			return reflect.Value{}
		}
		v = v.Field(0)
	}
	return v
}

// pathRefs returns a copy of the references a traversal path holds on an object.
func pathRefs(obj mo.Reference, p string) []types.ManagedObjectReference {
	v := moValue(obj)
	if !v.IsValid() {
		return nil
	}
	for _, name := range strings.Split(p, ".") {
		for v.Kind() == reflect.Ptr || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return nil
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct || name == "" {
			return nil
		}
		v = v.FieldByName(strings.ToUpper(name[:1]) + name[1:])
		if !v.IsValid() {
			return nil
		}
	}
	if !v.CanInterface() {
		return nil
	}
	switch x := v.Interface().(type) {
	case types.ManagedObjectReference:
		return []types.ManagedObjectReference{x}
	case *types.ManagedObjectReference:
		if x != nil {
			return []types.ManagedObjectReference{*x}
		}
	case []types.ManagedObjectReference:
		return append([]types.ManagedObjectReference(nil), x...)
	}
	return nil
}

// Long polls end when their client goes away: the router records each WaitForUpdatesEx / WaitForUpdates request
// while the stock handler serves it (the simulator's Context carries no request context).

var waitRequests = struct {
	sync.Mutex
	byKey map[string][]context.Context
}{byKey: map[string][]context.Context{}}

func waitRequestKey(session string, this types.ManagedObjectReference) string {
	return session + "|" + this.Type + ":" + this.Value
}

// trackWaitRequest records a wait request's context until the returned function is called.
func trackWaitRequest(r *http.Request, body []byte) func() {
	cookie, err := r.Cookie(soap.SessionCookieName)
	this, ok := requestThis(body)
	if err != nil || !ok {
		return func() {}
	}
	key := waitRequestKey(cookie.Value, this)
	ctx := r.Context()
	waitRequests.Lock()
	waitRequests.byKey[key] = append(waitRequests.byKey[key], ctx)
	waitRequests.Unlock()
	return func() {
		waitRequests.Lock()
		defer waitRequests.Unlock()
		list := waitRequests.byKey[key]
		for i, c := range list {
			if c == ctx {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(waitRequests.byKey, key)
		} else {
			waitRequests.byKey[key] = list
		}
	}
}

// waitRequestDone is closed when the latest wait request of the session on the collector is gone (nil: none known).
func waitRequestDone(session string, this types.ManagedObjectReference) <-chan struct{} {
	waitRequests.Lock()
	defer waitRequests.Unlock()
	list := waitRequests.byKey[waitRequestKey(session, this)]
	if len(list) == 0 {
		return nil
	}
	return list[len(list)-1].Done()
}
