package main

// ESXi direct mode (-esx): the simulator is one ESXi host's hostd, as a client connected straight to the host sees
// it, instead of a vCenter.
//
// The inventory is govmomi's ESX model (simulator.ESX()): ServiceContent.about.apiType "HostAgent", root folder
// ha-folder-root, one datacenter ha-datacenter, one host ha-host in its ComputeResource, no vCenter-only objects
// (no clusters, distributed switches, extra folders or pools; the extensions that add such objects skip ESX mode).
// An ESXi host serves no vSphere Automation API: /rest and /api answer a plain 404.
//
// HostSystem.RebootHost_Task and ShutdownHost_Task (host_admin.go) return their task with the same checks as on
// vCenter. Once the task has succeeded, the host goes down, as a client sees hostd go away: every request (SOAP and
// any other path, except the /vcsim/ test hooks) gets its TCP connection closed without an HTTP response (hijacked,
// then closed). Requests in flight at that moment end the same way, except the one whose task took the host down
// (without a task delay the task runs inside the RebootHost_Task call, and that call returns the task): SOAP
// requests at once (so a WaitForUpdatesEx long poll ends as the connection drops), others when they answer.
//
// A reboot keeps the host down for -esx-reboot-downtime (default 3s); then the host boots: the sessions opened
// before are gone (the SessionManager forgets them, so their cookies give NotAuthenticated as any unknown session),
// the tasks from before no longer exist (ESXi's task list does not survive a reboot: TaskManager.recentTask is
// emptied and a Task reference gives ManagedObjectNotFound), runtime.bootTime is the time it came up, and it
// serves requests again. A shutdown keeps the host down until the process ends.
//
// GET /vcsim/esx-boot?wait=<Go duration>&state=<up|down|off> (test hook, no login, served while the host is down)
// answers {"state": "up"|"down"|"off", "boots": n}: whether the host serves requests, is rebooting or is shut down,
// and how many reboots it has completed. With wait it first blocks until the state is the one asked (default "up"),
// the wait elapses or the client goes away (a host that is "off" never comes back up: the whole wait). An invalid
// wait or state gives 400. The hook answers 404 in vCenter mode.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/simulator/esx"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

var esxRebootDowntime = flag.Duration("esx-reboot-downtime", 3*time.Second,
	"with -esx, how long the host stays down after RebootHost_Task succeeded")

const (
	esxBootPath   = "/vcsim/esx-boot"
	esxHookPrefix = "/vcsim/"

	esxStateUp   = "up"
	esxStateDown = "down"
	esxStateOff  = "off"
)

// esxHost is the reachability of the ESXi host that one server in ESX mode emulates.
type esxHost struct {
	registry *simulator.Registry
	host     types.ManagedObjectReference

	// epoch counts the times the host went down; a request that began in another epoch is not answered.
	epoch int64

	mu       sync.Mutex
	state    string
	boots    int
	changed  chan struct{} // closed (and replaced) at every state change
	inflight map[*esxRequest]struct{}

	tasks esxTasks
}

// esxTasks is a registry handler that keeps the references of every Task in the inventory (simulator.Registry lists
// only entities).
type esxTasks struct {
	mu   sync.Mutex
	refs map[types.ManagedObjectReference]bool
}

func (t *esxTasks) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "McVSphereESXTasks", Value: "esx-tasks"}
}

func (t *esxTasks) PutObject(obj mo.Reference) {
	if ref := obj.Reference(); ref.Type == "Task" {
		t.mu.Lock()
		t.refs[ref] = true
		t.mu.Unlock()
	}
}

func (t *esxTasks) UpdateObject(mo.Reference, []types.PropertyChange) {}

func (t *esxTasks) RemoveObject(ref types.ManagedObjectReference) {
	t.mu.Lock()
	delete(t.refs, ref)
	t.mu.Unlock()
}

func (t *esxTasks) list() []types.ManagedObjectReference {
	t.mu.Lock()
	defer t.mu.Unlock()
	refs := make([]types.ManagedObjectReference, 0, len(t.refs))
	for ref := range t.refs {
		refs = append(refs, ref)
	}
	return refs
}

// currentESX is the host of the server started last, nil when that server is in vCenter mode (tests start several
// models in one process, one at a time; simulator.Map is global too).
var currentESX struct {
	sync.Mutex
	host *esxHost
}

func setCurrentESX(h *esxHost) {
	currentESX.Lock()
	currentESX.host = h
	currentESX.Unlock()
}

func getCurrentESX() *esxHost {
	currentESX.Lock()
	defer currentESX.Unlock()
	return currentESX.host
}

// installESXMode puts the reachability gate in front of the server's mux and serves the hook. The http.Server holds
// the pointer server, whose contents become a mux that sends everything to the gate; s.ServeMux becomes front, so
// that handlers registered later on s.ServeMux (transfer URLs, the simulator's own HandleFunc list) sit behind it.
func installESXMode(s *simulator.Service, r *simulator.Registry, server, front *http.ServeMux) {
	h := &esxHost{
		registry: r,
		host:     esx.HostSystem.Self,
		state:    esxStateUp,
		changed:  make(chan struct{}),
		inflight: map[*esxRequest]struct{}{},
		tasks:    esxTasks{refs: map[types.ManagedObjectReference]bool{}},
	}
	// The tasks so far (those of the model's creation) are in recentTask; later ones are seen as they are put.
	if tm, ok := r.Get(*r.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content.TaskManager).(*simulator.TaskManager); ok {
		for _, ref := range tm.RecentTask {
			h.tasks.refs[ref] = true
		}
	}
	r.AddHandler(&h.tasks)
	// An ESXi host has no vAPI endpoint.
	for _, path := range []string{"/rest", "/rest/", "/api", "/api/"} {
		front.Handle(path, http.NotFoundHandler())
	}
	front.HandleFunc(esxBootPath, h.serveBoot)

	gate := http.NewServeMux()
	gate.Handle("/", &esxGate{host: h, next: front})
	setServeMux(server, gate)
	s.ServeMux = front
	setCurrentESX(h)
}

// esxHostPowered is called once a RebootHost_Task or ShutdownHost_Task has succeeded (ctx is the task's context).
// In ESX mode the host goes down; in vCenter mode nothing happens (vCenter is another endpoint than the host).
func esxHostPowered(ctx *simulator.Context, ref types.ManagedObjectReference, shutdown bool) {
	h := getCurrentESX()
	if h == nil || ref != h.host || simulator.Map != h.registry {
		return
	}
	var trigger *esxRequest
	if ctx != nil && ctx.Context != nil {
		trigger, _ = ctx.Context.Value(esxRequestKey{}).(*esxRequest)
	}
	h.goDown(trigger, shutdown)
}

func (h *esxHost) goDown(trigger *esxRequest, shutdown bool) {
	if trigger != nil {
		trigger.mu.Lock()
		trigger.exempt = true
		trigger.mu.Unlock()
	}

	h.mu.Lock()
	if h.state != esxStateUp {
		h.mu.Unlock()
		return
	}
	atomic.AddInt64(&h.epoch, 1)
	if shutdown {
		h.setStateLocked(esxStateOff)
	} else {
		h.setStateLocked(esxStateDown)
	}
	// Requests in flight drop their connection with the host; SOAP requests (bodies read) at once.
	for req := range h.inflight {
		req.mu.Lock()
		if req.cuttable && !req.exempt {
			req.cutLocked()
		}
		req.mu.Unlock()
	}
	h.mu.Unlock()

	if !shutdown {
		time.AfterFunc(*esxRebootDowntime, h.bootUp)
	}
}

// bootUp brings a rebooted host back: no sessions, no tasks, a new boot time, then requests are served again.
func (h *esxHost) bootUp() {
	if getCurrentESX() != h || simulator.Map != h.registry {
		return // the server was closed and another model started meanwhile
	}
	forgetSessions()
	h.forgetTasks()
	if host, ok := simulator.Map.Get(h.host).(*simulator.HostSystem); ok {
		now := time.Now()
		simulator.Map.WithLock(host, func() {
			simulator.Map.Update(host, []types.PropertyChange{
				{Name: "runtime.bootTime", Val: now},
				{Name: "summary.runtime.bootTime", Val: now},
			})
		})
	}

	h.mu.Lock()
	h.boots++
	h.setStateLocked(esxStateUp)
	h.mu.Unlock()
}

func (h *esxHost) setStateLocked(state string) {
	h.state = state
	close(h.changed)
	h.changed = make(chan struct{})
}

// forgetSessions removes every session from the SessionManager, as hostd starts with none.
func forgetSessions() {
	sm := simulator.Map.SessionManager()
	// Session.Get on the SessionManager returns a copy whose sessionList holds every live session.
	probe := &simulator.Session{UserSession: types.UserSession{Key: "mcvsphere-esx-boot"}, Registry: simulator.NewRegistry()}
	view, ok := probe.Get(sm.Reference()).(*simulator.SessionManager)
	if !ok {
		return
	}
	ctx := &simulator.Context{Context: context.Background(), Session: probe, Map: simulator.Map}
	for _, us := range view.SessionList {
		// One at a time: TerminateSession stops at the first session that is gone already (ended meanwhile).
		_ = sm.TerminateSession(ctx, &types.TerminateSession{This: sm.Reference(), SessionId: []string{us.Key}})
	}
}

// forgetTasks removes every Task from the inventory and from TaskManager.recentTask.
func (h *esxHost) forgetTasks() {
	for _, ref := range h.tasks.list() {
		forgetTask(ref)
		extTasks.Lock()
		if et := extTasks.tasks[ref]; et != nil && et.busy != nil && extTasks.busy[*et.busy] == ref {
			delete(extTasks.busy, *et.busy)
		}
		delete(extTasks.tasks, ref)
		extTasks.Unlock()
	}
}

type esxBootStatus struct {
	State string `json:"state"`
	Boots int    `json:"boots"`
}

func (h *esxHost) serveBoot(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var wait time.Duration
	if s := r.URL.Query().Get("wait"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			http.Error(w, "wait: not a duration (e.g. 30s)", http.StatusBadRequest)
			return
		}
		wait = d
	}
	until := esxStateUp
	if s := r.URL.Query().Get("state"); s != "" {
		if s != esxStateUp && s != esxStateDown && s != esxStateOff {
			http.Error(w, "state: up, down or off", http.StatusBadRequest)
			return
		}
		until = s
	}

	timeout := time.NewTimer(wait)
	defer timeout.Stop()
	for {
		h.mu.Lock()
		status := esxBootStatus{State: h.state, Boots: h.boots}
		changed := h.changed
		h.mu.Unlock()
		if wait == 0 || status.State == until {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(status)
			return
		}
		select {
		case <-changed:
		case <-timeout.C:
			wait = 0 // answer the state as it is now
		case <-r.Context().Done():
			return
		}
	}
}

// esxGate serves requests while the host is up and drops their connection while it is not.
type esxGate struct {
	host *esxHost
	next http.Handler
}

type esxRequestKey struct{}

// esxRequest is one request being served; mu serializes its use of the connection's ResponseWriter.
type esxRequest struct {
	host  *esxHost
	epoch int64

	mu       sync.Mutex
	w        http.ResponseWriter
	exempt   bool // its task took the host down: it is answered
	cuttable bool // its body has been read: it may be cut from another goroutine
	cut      bool
	closed   bool // cut, and its connection closed
}

func (g *esxGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, esxHookPrefix) {
		g.next.ServeHTTP(w, r)
		return
	}
	h := g.host
	req := &esxRequest{host: h, w: w}
	h.mu.Lock()
	up := h.state == esxStateUp
	if up {
		req.epoch = atomic.LoadInt64(&h.epoch)
		h.inflight[req] = struct{}{}
	}
	h.mu.Unlock()
	if !up {
		dropConnection(w)
		return
	}
	defer func() {
		h.mu.Lock()
		delete(h.inflight, req)
		h.mu.Unlock()
	}()

	if r.Method == http.MethodPost && (r.URL.Path == vim25.Path || r.URL.Path == vim25.Path+"/vimService") {
		// SOAP requests are small: read them whole, so that the connection can be cut while the method runs.
		body, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		req.mu.Lock()
		req.cuttable = true
		req.dropLocked() // the host went down while the body was read
		req.mu.Unlock()
	}

	ctx := context.WithValue(r.Context(), esxRequestKey{}, req)
	g.next.ServeHTTP(&esxWriter{req: req}, r.WithContext(ctx))

	req.mu.Lock()
	unanswered := req.cut && !req.closed
	req.mu.Unlock()
	if unanswered {
		panic(http.ErrAbortHandler) // the connection could not be hijacked: have net/http drop it
	}
}

// dropLocked cuts the request when the host went down since it began (unless its own task did that) and reports
// whether it is cut.
func (req *esxRequest) dropLocked() bool {
	if !req.cut && !req.exempt && atomic.LoadInt64(&req.host.epoch) != req.epoch {
		req.cutLocked()
	}
	return req.cut
}

func (req *esxRequest) cutLocked() {
	if req.cut {
		return
	}
	req.cut = true
	if hj, ok := req.w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			req.closed = true
		}
	}
}

// dropConnection closes the client's connection without answering.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // net/http closes the connection (HTTP/1) or resets the stream (HTTP/2)
}

// esxWriter is the ResponseWriter the handlers see: what they write after the host went down is discarded.
type esxWriter struct {
	req *esxRequest
}

func (w *esxWriter) Header() http.Header {
	w.req.mu.Lock()
	defer w.req.mu.Unlock()
	return w.req.w.Header()
}

func (w *esxWriter) WriteHeader(code int) {
	w.req.mu.Lock()
	defer w.req.mu.Unlock()
	if !w.req.dropLocked() {
		w.req.w.WriteHeader(code)
	}
}

func (w *esxWriter) Write(p []byte) (int, error) {
	w.req.mu.Lock()
	defer w.req.mu.Unlock()
	if w.req.dropLocked() {
		return 0, http.ErrHijacked
	}
	return w.req.w.Write(p)
}

func (w *esxWriter) Flush() {
	w.req.mu.Lock()
	defer w.req.mu.Unlock()
	if f, ok := w.req.w.(http.Flusher); ok && !w.req.dropLocked() {
		f.Flush()
	}
}
