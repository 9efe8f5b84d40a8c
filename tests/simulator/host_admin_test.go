package main

import (
	"testing"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

func (e *lcEnv) serviceSystem(host *object.HostSystem) *object.HostServiceSystem {
	e.t.Helper()
	h := e.hostMO(host, "configManager.serviceSystem")
	if h.ConfigManager.ServiceSystem == nil {
		e.t.Fatalf("%s: configManager.serviceSystem is unset", host.Reference())
	}
	return object.NewHostServiceSystem(e.client.Client, *h.ConfigManager.ServiceSystem)
}

func (e *lcEnv) services(ss *object.HostServiceSystem) map[string]types.HostService {
	e.t.Helper()
	var s mo.HostServiceSystem
	e.props(ss.Reference(), &s, "serviceInfo")
	out := map[string]types.HostService{}
	for _, svc := range s.ServiceInfo.Service {
		out[svc.Key] = svc
	}
	return out
}

func (e *lcEnv) hostConfigServices(host *object.HostSystem) map[string]types.HostService {
	e.t.Helper()
	h := e.hostMO(host, "config.service")
	out := map[string]types.HostService{}
	for _, svc := range h.Config.Service.Service {
		out[svc.Key] = svc
	}
	return out
}

func TestHostServiceSystem(t *testing.T) {
	e := newLCEnv(t)

	hosts, err := e.finder.HostSystemList(e.ctx, "*")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[types.ManagedObjectReference]bool{}
	for _, host := range hosts {
		ss := e.serviceSystem(host)
		if seen[ss.Reference()] {
			t.Fatalf("%s shares its service system %s", host.Reference(), ss.Reference())
		}
		seen[ss.Reference()] = true
		if n := len(e.services(ss)); n != 12 {
			t.Fatalf("%s: %d services, want 12", host.Reference(), n)
		}
	}

	host := e.host("DC0_C0/DC0_C0_H0")
	ss := e.serviceSystem(host)
	watch := e.watch(ss.Reference(), "serviceInfo")

	if svc := e.services(ss)["ntpd"]; svc.Running || svc.Policy != "off" || svc.Label != "NTP Daemon" {
		t.Fatalf("initial ntpd: %+v", svc)
	}

	if err := ss.Start(e.ctx, "ntpd"); err != nil {
		t.Fatal(err)
	}
	if !e.services(ss)["ntpd"].Running || !e.hostConfigServices(host)["ntpd"].Running {
		t.Fatal("ntpd not running after StartService (serviceInfo or config.service)")
	}
	watch.until(5*time.Second, "serviceInfo after StartService", func(changes []types.PropertyChange) bool {
		v, ok := changeOf(changes, "serviceInfo")
		if !ok {
			return false
		}
		for _, svc := range v.(types.HostServiceInfo).Service {
			if svc.Key == "ntpd" {
				return svc.Running
			}
		}
		return false
	})
	if err := ss.Start(e.ctx, "ntpd"); err != nil {
		t.Fatalf("starting a running service (ESXi 5+: no fault): %v", err)
	}

	if err := ss.Stop(e.ctx, "ntpd"); err != nil {
		t.Fatal(err)
	}
	if e.services(ss)["ntpd"].Running || e.hostConfigServices(host)["ntpd"].Running {
		t.Fatal("ntpd still running after StopService")
	}
	if err := ss.Restart(e.ctx, "ntpd"); err != nil {
		t.Fatal(err)
	}
	if !e.services(ss)["ntpd"].Running {
		t.Fatal("ntpd not running after RestartService")
	}

	if err := ss.UpdatePolicy(e.ctx, "TSM-SSH", "on"); err != nil {
		t.Fatal(err)
	}
	if svc := e.services(ss)["TSM-SSH"]; svc.Policy != "on" || svc.Running {
		t.Fatalf("TSM-SSH after UpdateServicePolicy(on): %+v (policy on, still stopped)", svc)
	}
	if e.hostConfigServices(host)["TSM-SSH"].Policy != "on" {
		t.Fatal("config.service not updated by UpdateServicePolicy")
	}

	// Faults.
	if _, ok := faultOf(t, ss.Start(e.ctx, "no-such-service")).(*types.NotFound); !ok {
		t.Fatal("StartService(unknown): want NotFound")
	}
	if _, ok := faultOf(t, ss.Stop(e.ctx, "no-such-service")).(*types.NotFound); !ok {
		t.Fatal("StopService(unknown): want NotFound")
	}
	if _, ok := faultOf(t, ss.Restart(e.ctx, "no-such-service")).(*types.NotFound); !ok {
		t.Fatal("RestartService(unknown): want NotFound")
	}
	if _, ok := faultOf(t, ss.UpdatePolicy(e.ctx, "no-such-service", "on")).(*types.NotFound); !ok {
		t.Fatal("UpdateServicePolicy(unknown): want NotFound")
	}
	if f, ok := faultOf(t, ss.UpdatePolicy(e.ctx, "TSM-SSH", "sometimes")).(*types.InvalidArgument); !ok || f.InvalidProperty != "policy" {
		t.Fatal("UpdateServicePolicy(undefined policy): want InvalidArgument(policy)")
	}
	if _, ok := faultOf(t, ss.UpdatePolicy(e.ctx, "vmsyslogd", "off")).(*types.InvalidArgument); !ok {
		t.Fatal("UpdateServicePolicy(required service): want InvalidArgument")
	}

	if _, err := methods.RefreshServices(e.ctx, e.client.Client, &types.RefreshServices{This: ss.Reference()}); err != nil {
		t.Fatal(err)
	}

	// Another host is unaffected.
	other := e.serviceSystem(e.host("DC0_C0/DC0_C0_H1"))
	if e.services(other)["TSM-SSH"].Policy != "off" {
		t.Fatal("a service change leaked to another host")
	}
}

func TestHostAdminOnAddedHost(t *testing.T) {
	e := newLCEnv(t)
	folders, err := e.finder.Datacenter(e.ctx, "DC0")
	if err != nil {
		t.Fatal(err)
	}
	df, err := folders.Folders(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	task, err := df.HostFolder.AddStandaloneHost(e.ctx, types.HostConnectSpec{HostName: "added.example.com"}, true, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := task.WaitForResult(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref := info.Result.(types.ManagedObjectReference)
	if ref.Type != "HostSystem" { // vSphere returns the ComputeResource, the simulator the host
		var compute mo.ComputeResource
		e.props(ref, &compute, "host")
		ref = compute.Host[0]
	}
	host := object.NewHostSystem(e.client.Client, ref)

	ss := e.serviceSystem(host)
	if n := len(e.services(ss)); n != 12 {
		t.Fatalf("added host: %d services, want 12", n)
	}
	if err := ss.Start(e.ctx, "TSM-SSH"); err != nil {
		t.Fatal(err)
	}
	if !e.hostConfigServices(host)["TSM-SSH"].Running {
		t.Fatal("added host: config.service not updated")
	}
	h := e.hostMO(host, "configManager.dateTimeSystem")
	if h.ConfigManager.DateTimeSystem == nil {
		t.Fatal("added host: configManager.dateTimeSystem unset")
	}
	dts := object.NewHostDateTimeSystem(e.client.Client, *h.ConfigManager.DateTimeSystem)
	if _, err := dts.Query(e.ctx); err != nil {
		t.Fatal(err)
	}
}

func TestHostDateTimeSystem(t *testing.T) {
	e := newLCEnv(t)
	host := e.host("DC0_H0")
	h := e.hostMO(host, "configManager.dateTimeSystem", "config.dateTimeInfo")
	if h.ConfigManager.DateTimeSystem == nil {
		t.Fatal("configManager.dateTimeSystem unset")
	}
	if h.Config.DateTimeInfo == nil || h.Config.DateTimeInfo.TimeZone.Key != "UTC" {
		t.Fatalf("config.dateTimeInfo: %+v", h.Config.DateTimeInfo)
	}
	ref := *h.ConfigManager.DateTimeSystem
	dts := object.NewHostDateTimeSystem(e.client.Client, ref)

	read := func() types.HostDateTimeInfo {
		var s mo.HostDateTimeSystem
		e.props(ref, &s, "dateTimeInfo")
		return s.DateTimeInfo
	}
	if info := read(); info.TimeZone.Key != "UTC" || info.NtpConfig == nil || len(info.NtpConfig.Server) != 0 {
		t.Fatalf("initial dateTimeInfo: %+v", info)
	}

	watch := e.watch(ref, "dateTimeInfo.ntpConfig.server")
	hostWatch := e.watch(host.Reference(), "config.dateTimeInfo")
	servers := []string{"0.pool.ntp.org", "10.0.0.1", "fd00::123"}
	if err := dts.UpdateConfig(e.ctx, types.HostDateTimeConfig{NtpConfig: &types.HostNtpConfig{Server: servers}}); err != nil {
		t.Fatal(err)
	}
	if got := read().NtpConfig.Server; len(got) != 3 || got[0] != servers[0] || got[2] != servers[2] {
		t.Fatalf("dateTimeInfo.ntpConfig.server = %v", got)
	}
	if got := e.hostMO(host, "config.dateTimeInfo").Config.DateTimeInfo.NtpConfig.Server; len(got) != 3 {
		t.Fatalf("config.dateTimeInfo.ntpConfig.server = %v", got)
	}
	watch.until(5*time.Second, "dateTimeInfo.ntpConfig.server", func(changes []types.PropertyChange) bool {
		v, ok := changeOf(changes, "dateTimeInfo.ntpConfig.server")
		list, _ := v.(types.ArrayOfString)
		return ok && len(list.String) == 3
	})
	hostWatch.until(5*time.Second, "config.dateTimeInfo", func(changes []types.PropertyChange) bool {
		_, ok := changeOf(changes, "config.dateTimeInfo")
		return ok
	})

	// configFile lines are read when no server list is given.
	err := dts.UpdateConfig(e.ctx, types.HostDateTimeConfig{NtpConfig: &types.HostNtpConfig{ConfigFile: []string{"restrict default", "server time.example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := read().NtpConfig.Server; len(got) != 1 || got[0] != "time.example.com" {
		t.Fatalf("servers from configFile = %v", got)
	}

	for _, cfg := range []types.HostDateTimeConfig{
		{NtpConfig: &types.HostNtpConfig{Server: []string{"bad server!"}}},
		{NtpConfig: &types.HostNtpConfig{Server: []string{"ok.example.com", "-dash.example.com"}}},
		{NtpConfig: &types.HostNtpConfig{Server: []string{"a..b"}}},
		{TimeZone: "Mars/Olympus_Mons"},
	} {
		if _, ok := faultOf(t, dts.UpdateConfig(e.ctx, cfg)).(*types.HostConfigFault); !ok {
			t.Fatalf("UpdateDateTimeConfig(%+v): want HostConfigFault", cfg)
		}
	}
	if got := read().NtpConfig.Server; len(got) != 1 {
		t.Fatalf("a refused update changed the servers: %v", got)
	}
	if err := dts.UpdateConfig(e.ctx, types.HostDateTimeConfig{TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}

	now, err := dts.Query(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(*now); d > time.Minute || d < -time.Minute {
		t.Fatalf("QueryDateTime = %v", now)
	}
	if err := dts.Update(e.ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	later, err := dts.Query(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(*later); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("QueryDateTime after UpdateDateTime(+1h) = %v", later)
	}

	zones, err := methods.QueryAvailableTimeZones(e.ctx, e.client.Client, &types.QueryAvailableTimeZones{This: ref})
	if err != nil || len(zones.Returnval) != 1 || zones.Returnval[0].Key != "UTC" {
		t.Fatalf("QueryAvailableTimeZones = %+v, %v", zones, err)
	}
	if _, err := methods.RefreshDateTimeSystem(e.ctx, e.client.Client, &types.RefreshDateTimeSystem{This: ref}); err != nil {
		t.Fatal(err)
	}
}

func rebootHost(e *lcEnv, host *object.HostSystem, force bool) (*object.Task, error) {
	res, err := methods.RebootHost_Task(e.ctx, e.client.Client, &types.RebootHost_Task{This: host.Reference(), Force: force})
	if err != nil {
		return nil, err
	}
	return object.NewTask(e.client.Client, res.Returnval), nil
}

func shutdownHost(e *lcEnv, host *object.HostSystem, force bool) (*object.Task, error) {
	res, err := methods.ShutdownHost_Task(e.ctx, e.client.Client, &types.ShutdownHost_Task{This: host.Reference(), Force: force})
	if err != nil {
		return nil, err
	}
	return object.NewTask(e.client.Client, res.Returnval), nil
}

func TestRebootAndShutdownHost(t *testing.T) {
	e := newLCEnv(t)

	// The model places the cluster's VMs on random hosts: pick one with running VMs for the forced reboot and
	// another one for the rest.
	hosts, err := e.finder.HostSystemList(e.ctx, "DC0_C0/*")
	if err != nil {
		t.Fatal(err)
	}
	var busy, host *object.HostSystem
	var running []types.ManagedObjectReference
	for _, h := range hosts {
		var on []types.ManagedObjectReference
		for _, ref := range e.hostMO(h, "vm").Vm {
			if e.vmMO(object.NewVirtualMachine(e.client.Client, ref), "runtime.powerState").Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
				on = append(on, ref)
			}
		}
		if busy == nil && len(on) != 0 {
			busy, running = h, on
		} else if host == nil {
			host = h
		}
	}
	if busy == nil || host == nil {
		t.Fatal("the model has no cluster host with running VMs, or no other one")
	}

	if _, ok := e.taskFault(rebootHost(e, host, false)).(*types.InvalidState); !ok {
		t.Fatal("reboot without maintenance mode and force=false: want InvalidState")
	}
	if _, ok := e.taskFault(shutdownHost(e, host, false)).(*types.InvalidState); !ok {
		t.Fatal("shutdown without maintenance mode and force=false: want InvalidState")
	}

	before := e.hostMO(host, "runtime")
	e.wait(host.EnterMaintenanceMode(e.ctx, 0, false, nil))
	time.Sleep(10 * time.Millisecond)
	t1, err := rebootHost(e, host, false)
	e.wait(t1, err)
	info := e.taskInfo(t1.Reference())
	if info.Name != "RebootHost_Task" || info.DescriptionId != "HostSystem.reboot" || *info.Entity != host.Reference() {
		t.Fatalf("reboot task info: %+v", info)
	}
	after := e.hostMO(host, "runtime", "summary.runtime")
	if after.Runtime.PowerState != types.HostSystemPowerStatePoweredOn {
		t.Fatalf("after reboot: powerState %s", after.Runtime.PowerState)
	}
	if after.Runtime.BootTime == nil || !after.Runtime.BootTime.After(*before.Runtime.BootTime) {
		t.Fatalf("bootTime not renewed: before %v, after %v", before.Runtime.BootTime, after.Runtime.BootTime)
	}
	e.wait(host.ExitMaintenanceMode(e.ctx, 0))

	// A forced reboot of a host with running VMs powers them off.
	t2, err := rebootHost(e, busy, true)
	e.wait(t2, err)
	for _, ref := range running {
		if s := e.vmMO(object.NewVirtualMachine(e.client.Client, ref), "runtime.powerState").Runtime.PowerState; s != types.VirtualMachinePowerStatePoweredOff {
			t.Fatalf("%s after forced host reboot: %s", ref, s)
		}
	}

	// Shutdown.
	watch := e.watch(host.Reference(), "summary.runtime.powerState")
	t3, err := shutdownHost(e, host, true)
	e.wait(t3, err)
	off := e.hostMO(host, "runtime.powerState", "summary.runtime.powerState")
	if off.Runtime.PowerState != types.HostSystemPowerStatePoweredOff || off.Summary.Runtime.PowerState != types.HostSystemPowerStatePoweredOff {
		t.Fatalf("after shutdown: runtime %s, summary %s", off.Runtime.PowerState, off.Summary.Runtime.PowerState)
	}
	watch.until(5*time.Second, "summary.runtime.powerState", func(changes []types.PropertyChange) bool {
		v, ok := changeOf(changes, "summary.runtime.powerState")
		return ok && v == types.HostSystemPowerStatePoweredOff
	})
	if _, ok := e.taskFault(rebootHost(e, host, true)).(*types.InvalidState); !ok {
		t.Fatal("reboot of a powered-off host: want InvalidState")
	}
}
