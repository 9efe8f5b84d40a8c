package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// esxEnv is the ESX model with every extension, served over HTTP as the binary does with -esx, and a logged-in client.
type esxEnv struct {
	t      *testing.T
	ctx    context.Context
	server *simulator.Server
	client *govmomi.Client
	base   string // scheme://host:port
}

func newESXEnv(t *testing.T, useTLS ...bool) *esxEnv {
	t.Helper()
	if os.Getenv("TMPDIR") == "" && dirExists("/dev/shm") {
		t.Setenv("TMPDIR", "/dev/shm")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	model := simulator.ESX()
	if err := model.Create(); err != nil {
		t.Fatalf("creating the model: %v", err)
	}
	if len(useTLS) != 0 && useTLS[0] {
		model.Service.TLS = new(tls.Config)
	}
	registerExtensions(model)
	server := model.Service.NewServer()
	e := &esxEnv{t: t, ctx: ctx, server: server, base: server.URL.Scheme + "://" + server.URL.Host}
	t.Cleanup(func() {
		if e.client != nil {
			logout, done := context.WithTimeout(context.Background(), 5*time.Second)
			_ = e.client.Logout(logout) // fails when the host is down
			done()
		}
		if fm, ok := simulator.Map.Get(*serviceContent().GuestOperationsManager).(*simulator.GuestOperationsManager); ok && fm.FileManager != nil {
			if g, ok := simulator.Map.Get(*fm.FileManager).(*guestFileManager); ok {
				g.g.close()
			}
		}
		server.Close()
		model.Remove()
		cancel()
	})
	e.client = e.login()
	return e
}

func (e *esxEnv) login() *govmomi.Client {
	e.t.Helper()
	client, err := govmomi.NewClient(e.ctx, e.server.URL, true)
	if err != nil {
		e.t.Fatalf("login: %v", err)
	}
	return client
}

// bootStatus asks the test hook, with wait when not empty.
func (e *esxEnv) bootStatus(wait string) esxBootStatus {
	e.t.Helper()
	u := e.base + esxBootPath
	if wait != "" {
		u += "?wait=" + wait
	}
	res, err := gxHTTP.Get(u)
	if err != nil {
		e.t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: %s", u, res.Status)
	}
	var status esxBootStatus
	if err := json.NewDecoder(res.Body).Decode(&status); err != nil {
		e.t.Fatal(err)
	}
	return status
}

func (e *esxEnv) hostRef() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "HostSystem", Value: "ha-host"}
}

func (e *esxEnv) hostMO(client *govmomi.Client, paths ...string) mo.HostSystem {
	e.t.Helper()
	var h mo.HostSystem
	if err := property.DefaultCollector(client.Client).RetrieveOne(e.ctx, e.hostRef(), paths, &h); err != nil {
		e.t.Fatalf("reading %v of the host: %v", paths, err)
	}
	return h
}

func (e *esxEnv) reboot(client *govmomi.Client, force bool) types.ManagedObjectReference {
	e.t.Helper()
	res, err := methods.RebootHost_Task(e.ctx, client.Client, &types.RebootHost_Task{This: e.hostRef(), Force: force})
	if err != nil {
		e.t.Fatalf("RebootHost_Task: %v", err)
	}
	return res.Returnval
}

func (e *esxEnv) shutdown(client *govmomi.Client, force bool) types.ManagedObjectReference {
	e.t.Helper()
	res, err := methods.ShutdownHost_Task(e.ctx, client.Client, &types.ShutdownHost_Task{This: e.hostRef(), Force: force})
	if err != nil {
		e.t.Fatalf("ShutdownHost_Task: %v", err)
	}
	return res.Returnval
}

func (e *esxEnv) enterMaintenanceMode() {
	e.t.Helper()
	task, err := object.NewHostSystem(e.client.Client, e.hostRef()).EnterMaintenanceMode(e.ctx, 0, false, nil)
	if err == nil {
		err = task.Wait(e.ctx)
	}
	if err != nil {
		e.t.Fatalf("EnterMaintenanceMode: %v", err)
	}
}

// currentTime calls ServiceInstance.CurrentTime, which needs a session.
func (e *esxEnv) currentTime(client *govmomi.Client) error {
	_, err := methods.GetCurrentTime(e.ctx, client.Client)
	return err
}

// expectDropped fails unless err is a transport error (no SOAP answer at all).
func expectDropped(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: answered, want the connection closed", what)
	}
	if soap.IsSoapFault(err) || soap.IsVimFault(err) {
		t.Fatalf("%s: got a fault (%v), want the connection closed", what, err)
	}
}

// expectRawDropped sends a request with a fresh connection and fails unless the connection is closed unanswered.
func (e *esxEnv) expectRawDropped(method, path string, body string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.base+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	client := &http.Client{
		Transport: &http.Transport{DisableKeepAlives: true, TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		Timeout:   30 * time.Second,
	}
	res, err := client.Do(req)
	if err == nil {
		res.Body.Close()
		e.t.Fatalf("%s %s: answered %s, want the connection closed", method, path, res.Status)
	}
	if !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
		e.t.Fatalf("%s %s: %v, want the connection closed (EOF)", method, path, err)
	}
}

func setDowntime(t *testing.T, d time.Duration) {
	saved := *esxRebootDowntime
	*esxRebootDowntime = d
	t.Cleanup(func() { *esxRebootDowntime = saved })
}

func TestESXModel(t *testing.T) {
	e := newESXEnv(t)
	c := e.client.Client

	about := c.ServiceContent.About
	if about.ApiType != "HostAgent" || c.ServiceContent.RootFolder.Value != "ha-folder-root" {
		t.Fatalf("about.apiType %q, rootFolder %s: want HostAgent, ha-folder-root", about.ApiType, c.ServiceContent.RootFolder)
	}
	if c.IsVC() {
		t.Fatal("the client sees a vCenter")
	}

	finder := find.NewFinder(c, true)
	dcs, err := finder.DatacenterList(e.ctx, "*")
	if err != nil || len(dcs) != 1 || dcs[0].Reference().Value != "ha-datacenter" {
		t.Fatalf("datacenters: %v %v, want ha-datacenter only", dcs, err)
	}
	finder.SetDatacenter(dcs[0])
	hosts, err := finder.HostSystemList(e.ctx, "*")
	if err != nil || len(hosts) != 1 || hosts[0].Reference() != e.hostRef() {
		t.Fatalf("hosts: %v %v, want ha-host only", hosts, err)
	}
	for _, kind := range []string{"ClusterComputeResource", "DistributedVirtualSwitch", "DistributedVirtualPortgroup", "OpaqueNetwork", "VirtualApp"} {
		if refs := e.objects(kind); len(refs) != 0 {
			t.Fatalf("%s on an ESXi host: %v", kind, refs)
		}
	}
	if n := len(e.objects("VirtualMachine")); n != 2 {
		t.Fatalf("%d VMs, want the model's 2", n)
	}
	if n := len(e.objects("Datastore")); n != 1 {
		t.Fatalf("%d datastores, want the model's 1", n)
	}

	// The extensions work on the host: its service system, device labels, property paging.
	h := e.hostMO(e.client, "configManager.serviceSystem")
	if h.ConfigManager.ServiceSystem == nil {
		t.Fatal("configManager.serviceSystem unset on ha-host")
	}
	if err := object.NewHostServiceSystem(c, *h.ConfigManager.ServiceSystem).Start(e.ctx, "ntpd"); err != nil {
		t.Fatalf("StartService on ha-host: %v", err)
	}
	vms, err := finder.VirtualMachineList(e.ctx, "*")
	if err != nil || len(vms) == 0 {
		t.Fatalf("VMs: %v", err)
	}
	devices, err := vms[0].Device(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if disks := devices.SelectByType((*types.VirtualDisk)(nil)); len(disks) == 0 || disks[0].GetVirtualDevice().DeviceInfo.GetDescription().Label != "Hard disk 1" {
		t.Fatalf("disk labels: %v", disks)
	}
	one := int32(1)
	res, err := methods.RetrievePropertiesEx(e.ctx, c, &types.RetrievePropertiesEx{
		This: c.ServiceContent.PropertyCollector,
		SpecSet: []types.PropertyFilterSpec{{
			ObjectSet: []types.ObjectSpec{{Obj: vms[0].Reference()}, {Obj: vms[1].Reference()}},
			PropSet:   []types.PropertySpec{{Type: "VirtualMachine", PathSet: []string{"name"}}},
		}},
		Options: types.RetrieveOptions{MaxObjects: one},
	})
	if err != nil || res.Returnval == nil || len(res.Returnval.Objects) != 1 || res.Returnval.Token == "" {
		t.Fatalf("paged RetrievePropertiesEx: %+v %v", res, err)
	}

	// A handler registered while serving (an export lease's disk URL) is behind the gate too, and works.
	task, err := vms[0].PowerOff(e.ctx)
	if err == nil {
		err = task.Wait(e.ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	lease, err := vms[0].Export(e.ctx)
	if err != nil {
		t.Fatalf("ExportVm: %v", err)
	}
	info, err := lease.Wait(e.ctx, nil)
	if err != nil || len(info.DeviceUrl) == 0 {
		t.Fatalf("export lease: %+v %v", info, err)
	}
	diskURL := strings.Replace(info.DeviceUrl[0].Url, "://*/", "://"+e.server.URL.Host+"/", 1)
	disk, err := gxHTTP.Get(diskURL)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, disk.Body)
	disk.Body.Close()
	if disk.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", diskURL, disk.Status)
	}
	if err := lease.Abort(e.ctx, nil); err != nil {
		t.Fatal(err)
	}

	// No vAPI on an ESXi host.
	for _, path := range []string{"/rest/com/vmware/cis/session", "/api/session", "/api", "/rest", "/vcsim/vapi-requests"} {
		res, err := http.Post(e.base+path, "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "404 page not found") {
			t.Fatalf("POST %s: %s %q, want a plain 404", path, res.Status, body)
		}
	}

	if s := e.bootStatus(""); s != (esxBootStatus{State: "up", Boots: 0}) {
		t.Fatalf("hook: %+v", s)
	}
	if s := e.bootStatus("30s&state=up"); s != (esxBootStatus{State: "up", Boots: 0}) {
		t.Fatalf("hook waiting for up while up: %+v", s)
	}
	for _, query := range []string{"?wait=soon", "?wait=-1s", "?wait=1s&state=rebooting"} {
		res, err := http.Get(e.base + esxBootPath + query)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("hook %s: %s, want 400", query, res.Status)
		}
	}
}

// objects lists the objects of a type in the inventory through a ContainerView.
func (e *esxEnv) objects(kind string) []types.ManagedObjectReference {
	e.t.Helper()
	return e.objectsWith(e.client, kind)
}

func TestESXRebootOutsideMaintenanceMode(t *testing.T) {
	e := newESXEnv(t)
	for name, start := range map[string]func(*govmomi.Client, bool) types.ManagedObjectReference{"reboot": e.reboot, "shutdown": e.shutdown} {
		ref := start(e.client, false)
		err := object.NewTask(e.client.Client, ref).Wait(e.ctx)
		if _, ok := faultOf(t, err).(*types.InvalidState); !ok {
			t.Fatalf("%s with force=false outside maintenance mode: %v, want InvalidState", name, err)
		}
		if s := e.bootStatus(""); s.State != "up" || s.Boots != 0 {
			t.Fatalf("after a refused %s: %+v, want up", name, s)
		}
		if err := e.currentTime(e.client); err != nil {
			t.Fatalf("after a refused %s: %v", name, err)
		}
	}
}

func TestESXReboot(t *testing.T) {
	setDowntime(t, 1500*time.Millisecond)
	e := newESXEnv(t)
	before := e.hostMO(e.client, "runtime.bootTime")
	e.enterMaintenanceMode()

	// A second session with a long poll in flight (no maxWait) while the host goes down.
	watcher := e.login()
	pc, err := property.DefaultCollector(watcher.Client).Create(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	dc := types.ManagedObjectReference{Type: "Datacenter", Value: "ha-datacenter"}
	if err := pc.CreateFilter(e.ctx, types.CreateFilter{This: pc.Reference(), Spec: types.PropertyFilterSpec{
		ObjectSet: []types.ObjectSpec{{Obj: dc}},
		PropSet:   []types.PropertySpec{{Type: "Datacenter", PathSet: []string{"name"}}},
	}}); err != nil {
		t.Fatal(err)
	}
	first, err := methods.WaitForUpdatesEx(e.ctx, watcher.Client, &types.WaitForUpdatesEx{This: pc.Reference()})
	if err != nil || first.Returnval == nil {
		t.Fatalf("initial WaitForUpdatesEx: %v", err)
	}
	poll := make(chan error, 1)
	go func() {
		_, err := methods.WaitForUpdatesEx(e.ctx, watcher.Client, &types.WaitForUpdatesEx{This: pc.Reference(), Version: first.Returnval.Version})
		poll <- err
	}()

	called := time.Now()
	taskRef := e.reboot(e.client, false)
	if taskRef.Type != "Task" {
		t.Fatalf("RebootHost_Task returned %s", taskRef)
	}

	// The host is down: connections are closed without an answer; the hook still answers.
	expectDropped(t, "CurrentTime after the reboot", e.currentTime(e.client))
	e.expectRawDropped(http.MethodPost, "/sdk", currentTimeRequest)
	e.expectRawDropped(http.MethodGet, "/about", "")
	select {
	case err := <-poll:
		expectDropped(t, "WaitForUpdatesEx in flight", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the long poll in flight was not cut when the host went down")
	}
	if s := e.bootStatus(""); s != (esxBootStatus{State: "down", Boots: 0}) {
		t.Fatalf("hook while rebooting: %+v, want down, 0 boots", s)
	}

	// Back up after the downtime.
	if s := e.bootStatus("60s"); s != (esxBootStatus{State: "up", Boots: 1}) {
		t.Fatalf("hook after waiting: %+v, want up, 1 boot", s)
	}
	if err := e.currentTime(e.client); err == nil {
		t.Fatal("a session from before the reboot still works")
	} else if _, ok := faultOf(t, err).(*types.NotAuthenticated); !ok {
		t.Fatalf("old session: %v, want NotAuthenticated", err)
	}
	fresh := e.login()
	defer func() { _ = fresh.Logout(context.Background()) }()
	if err := e.currentTime(fresh); err != nil {
		t.Fatalf("new session: %v", err)
	}
	after := e.hostMO(fresh, "runtime", "summary.runtime.bootTime")
	if after.Runtime.BootTime == nil || !after.Runtime.BootTime.After(*before.Runtime.BootTime) || after.Runtime.BootTime.Before(called) {
		t.Fatalf("bootTime %v, want after the reboot call (%v; before: %v)", after.Runtime.BootTime, called, before.Runtime.BootTime)
	}
	if !after.Runtime.InMaintenanceMode || after.Runtime.PowerState != types.HostSystemPowerStatePoweredOn {
		t.Fatalf("after the reboot: maintenance mode %v, power %s", after.Runtime.InMaintenanceMode, after.Runtime.PowerState)
	}
	var task mo.Task
	err = property.DefaultCollector(fresh.Client).RetrieveOne(e.ctx, taskRef, []string{"info"}, &task)
	if _, ok := faultOf(t, err).(*types.ManagedObjectNotFound); !ok {
		t.Fatalf("the task from before the reboot: %v, want ManagedObjectNotFound", err)
	}
	var tm mo.TaskManager
	if err := property.DefaultCollector(fresh.Client).RetrieveOne(e.ctx, *fresh.ServiceContent.TaskManager, []string{"recentTask"}, &tm); err != nil {
		t.Fatal(err)
	}
	if refsContain(tm.RecentTask, taskRef) {
		t.Fatalf("recentTask still lists %s", taskRef)
	}
	for _, vm := range e.objectsWith(fresh, "VirtualMachine") {
		var v mo.VirtualMachine
		if err := property.DefaultCollector(fresh.Client).RetrieveOne(e.ctx, vm, []string{"runtime.powerState"}, &v); err != nil {
			t.Fatal(err)
		}
		if v.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOff {
			t.Fatalf("%s after the host reboot: %s", vm, v.Runtime.PowerState)
		}
	}

	// It can reboot again.
	e.reboot(fresh, false)
	expectDropped(t, "CurrentTime after the second reboot", e.currentTime(fresh))
	if s := e.bootStatus("60s"); s != (esxBootStatus{State: "up", Boots: 2}) {
		t.Fatalf("hook after the second reboot: %+v, want up, 2 boots", s)
	}
}

func TestESXRebootWithTaskDelay(t *testing.T) {
	setDowntime(t, 200*time.Millisecond)
	saved := *taskDelayFlag
	*taskDelayFlag = 300 * time.Millisecond
	t.Cleanup(func() { *taskDelayFlag = saved })
	e := newESXEnv(t)
	e.enterMaintenanceMode()

	taskRef := e.reboot(e.client, false)
	var task mo.Task
	if err := property.DefaultCollector(e.client.Client).RetrieveOne(e.ctx, taskRef, []string{"info"}, &task); err != nil {
		t.Fatalf("reading the running task: %v", err)
	}
	if task.Info.State != types.TaskInfoStateRunning {
		t.Fatalf("task state %s, want running while the delay runs", task.Info.State)
	}
	if s := e.bootStatus("30s&state=down"); s != (esxBootStatus{State: "down", Boots: 0}) {
		t.Fatalf("hook waiting for the host to go down: %+v", s)
	}
	expectDropped(t, "CurrentTime while down", e.currentTime(e.client))
	if s := e.bootStatus("60s"); s != (esxBootStatus{State: "up", Boots: 1}) {
		t.Fatalf("hook: %+v", s)
	}
	fresh := e.login()
	defer func() { _ = fresh.Logout(context.Background()) }()
	err := property.DefaultCollector(fresh.Client).RetrieveOne(e.ctx, taskRef, []string{"info"}, &task)
	if _, ok := faultOf(t, err).(*types.ManagedObjectNotFound); !ok {
		t.Fatalf("the task from before the reboot: %v, want ManagedObjectNotFound", err)
	}
}

func TestESXShutdown(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", useTLS), func(t *testing.T) { testESXShutdown(t, useTLS) })
	}
}

func testESXShutdown(t *testing.T, useTLS bool) {
	setDowntime(t, 100*time.Millisecond)
	e := newESXEnv(t, useTLS)
	diskPath := e.exportDiskPath()
	taskRef := e.shutdown(e.client, true) // force: no maintenance mode needed
	if taskRef.Type != "Task" {
		t.Fatalf("ShutdownHost_Task returned %s", taskRef)
	}
	expectDropped(t, "CurrentTime after the shutdown", e.currentTime(e.client))
	if s := e.bootStatus("30s&state=off"); s != (esxBootStatus{State: "off", Boots: 0}) {
		t.Fatalf("hook after a shutdown: %+v, want off", s)
	}
	// Waiting for it to come up, ten times the reboot downtime: it stays off.
	started := time.Now()
	if s := e.bootStatus("1s"); s != (esxBootStatus{State: "off", Boots: 0}) {
		t.Fatalf("hook after waiting for a host that is shut down: %+v, want off", s)
	}
	if waited := time.Since(started); waited < time.Second {
		t.Fatalf("the hook answered after %v, before its wait elapsed, with the host off", waited)
	}
	e.expectRawDropped(http.MethodPost, "/sdk", currentTimeRequest)
	e.expectRawDropped(http.MethodGet, diskPath, "") // a handler registered while serving
	expectDropped(t, "login after the shutdown", func() error {
		_, err := govmomi.NewClient(e.ctx, e.server.URL, true)
		return err
	}())
}

// The hook is an ESX-mode hook; vCenter keeps answering while its hosts reboot (host_admin_test.go).
func TestESXBootHookAbsentOnVCenter(t *testing.T) {
	e := newLCEnv(t)
	u := *e.client.URL()
	u.User, u.Path = nil, esxBootPath
	res, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("%s on vCenter: %s, want 404", esxBootPath, res.Status)
	}
}

// objectsWith lists the objects of a type in the inventory through a ContainerView of the client's session.
func (e *esxEnv) objectsWith(client *govmomi.Client, kind string) []types.ManagedObjectReference {
	e.t.Helper()
	c := client.Client
	v, err := view.NewManager(c).CreateContainerView(e.ctx, c.ServiceContent.RootFolder, []string{kind}, true)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = v.Destroy(e.ctx) }()
	refs, err := v.Find(e.ctx, []string{kind}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return refs
}

// exportDiskPath powers a VM off, exports it and returns the path of its disk's lease URL.
func (e *esxEnv) exportDiskPath() string {
	e.t.Helper()
	vm := object.NewVirtualMachine(e.client.Client, e.objects("VirtualMachine")[0])
	task, err := vm.PowerOff(e.ctx)
	if err == nil {
		err = task.Wait(e.ctx)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	lease, err := vm.Export(e.ctx)
	if err != nil {
		e.t.Fatalf("ExportVm: %v", err)
	}
	info, err := lease.Wait(e.ctx, nil)
	if err != nil || len(info.DeviceUrl) == 0 {
		e.t.Fatalf("export lease: %+v %v", info, err)
	}
	u, err := url.Parse(info.DeviceUrl[0].Url)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Path
}
