package main

// Host administration: HostServiceSystem and HostDateTimeSystem per host, and HostSystem.RebootHost_Task /
// ShutdownHost_Task, after the vSphere API reference.
//
// Every HostSystem (including hosts added later with AddStandaloneHost_Task or AddHost_Task) gets its own
// HostServiceSystem ("serviceSystem-<host id>") and HostDateTimeSystem ("dateTimeSystem-<host id>"), referenced
// from configManager.serviceSystem and configManager.dateTimeSystem (the stock model points every host at one
// shared reference that does not exist).
//
// HostServiceSystem.serviceInfo starts as the host's config.service (12 services) and stays equal to it:
//   - StartService(id), StopService(id), RestartService(id): set running (idempotent, as ESXi 5.0 and later);
//     unknown id -> NotFound.
//   - UpdateServicePolicy(id, policy): policy is "on", "off" or "automatic"; an undefined policy or a required
//     service -> InvalidArgument; unknown id -> NotFound. The running state does not change.
//   - UninstallService(id): unknown id -> NotFound, required -> InvalidArgument, not uninstallable -> NotSupported.
//   - RefreshServices(): no change.
//
// HostDateTimeSystem.dateTimeInfo (time zone UTC, no NTP servers) stays equal to the host's config.dateTimeInfo:
//   - UpdateDateTimeConfig(config): timeZone must be one of QueryAvailableTimeZones (only UTC, as on ESXi); each NTP
//     server must be a host name or an IP address; config.ntpConfig replaces the server list (configFile lines
//     "server <name>" are read when no server list is given). Invalid input -> HostConfigFault.
//   - QueryDateTime(), UpdateDateTime(dateTime) (kept as an offset from the simulator's clock),
//     QueryAvailableTimeZones(), RefreshDateTimeSystem().
//
// RebootHost_Task(force) and ShutdownHost_Task(force) return a task that fails with InvalidState when force is false
// and the host is not in maintenance mode, or when the host is not powered on, and with NotSupported when the host's
// capability says so. Otherwise powered-on VMs on the host are powered off (as a real reboot or shutdown does);
// a reboot sets runtime.bootTime to now and leaves the host poweredOn; a shutdown sets runtime.powerState (and
// summary.runtime.powerState) to poweredOff. The -task-delay flag delays these tasks (hosts have no extraConfig).
// In ESX mode (-esx, esx_mode.go) the host then goes down: the endpoint stops answering, as hostd does.

import (
	"net"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func init() {
	extensions = append(extensions, installHostAdmin)
	routeMethods("HostSystem", hostRoutes{}, "RebootHostTask", "ShutdownHostTask")
}

// hostSystems are the per-host managers, kept by host so that a host removed and put back in the registry (the
// simulator does that when it moves an object between folders) finds its managers and their state again.
type hostSystems struct {
	services *hostServiceSystem
	dateTime *hostDateTimeSystem
}

var hostAdmin = struct {
	sync.Mutex
	byHost map[types.ManagedObjectReference]*hostSystems
}{byHost: map[types.ManagedObjectReference]*hostSystems{}}

// hostAdminWatcher is a registry handler that equips hosts put into the inventory after the model was created.
type hostAdminWatcher struct {
	self types.ManagedObjectReference
}

func (w *hostAdminWatcher) Reference() types.ManagedObjectReference { return w.self }

func (w *hostAdminWatcher) PutObject(obj mo.Reference) {
	if host, ok := obj.(*simulator.HostSystem); ok {
		equipHost(host)
	}
}

func (w *hostAdminWatcher) UpdateObject(mo.Reference, []types.PropertyChange) {}

func (w *hostAdminWatcher) RemoveObject(ref types.ManagedObjectReference) {
	if ref.Type != "HostSystem" {
		return
	}
	hostAdmin.Lock()
	systems := hostAdmin.byHost[ref]
	hostAdmin.Unlock()
	if systems != nil {
		simulator.Map.Remove(systems.services.Self)
		simulator.Map.Remove(systems.dateTime.Self)
	}
}

func installHostAdmin(model *simulator.Model) {
	hostAdmin.Lock()
	hostAdmin.byHost = map[types.ManagedObjectReference]*hostSystems{}
	hostAdmin.Unlock()

	for _, e := range simulator.Map.All("HostSystem") {
		if host, ok := e.(*simulator.HostSystem); ok {
			equipHost(host)
		}
	}
	simulator.Map.AddHandler(&hostAdminWatcher{self: types.ManagedObjectReference{Type: "McVSphereHostAdmin", Value: "host-admin"}})
}

// equipHost registers the host's HostServiceSystem and HostDateTimeSystem and points its configManager at them.
func equipHost(host *simulator.HostSystem) {
	hostAdmin.Lock()
	systems := hostAdmin.byHost[host.Self]
	if systems == nil {
		systems = newHostSystems(host)
		hostAdmin.byHost[host.Self] = systems
	}
	hostAdmin.Unlock()

	if simulator.Map.Get(systems.services.Self) == nil {
		simulator.Map.Put(systems.services)
	}
	if simulator.Map.Get(systems.dateTime.Self) == nil {
		simulator.Map.Put(systems.dateTime)
	}

	services, dateTime := systems.services.Self, systems.dateTime.Self
	cm := host.ConfigManager
	if cm.ServiceSystem == nil || *cm.ServiceSystem != services || cm.DateTimeSystem == nil || *cm.DateTimeSystem != dateTime {
		simulator.Map.Update(host, []types.PropertyChange{
			{Name: "configManager.serviceSystem", Val: services},
			{Name: "configManager.dateTimeSystem", Val: dateTime},
		})
	}
}

func newHostSystems(host *simulator.HostSystem) *hostSystems {
	if host.Config == nil {
		host.Config = &types.HostConfigInfo{}
	}

	services := &hostServiceSystem{host: host.Self}
	services.Self = types.ManagedObjectReference{Type: "HostServiceSystem", Value: "serviceSystem-" + host.Self.Value}
	if host.Config.Service != nil {
		services.ServiceInfo.Service = copyServices(host.Config.Service.Service)
	}

	dateTime := &hostDateTimeSystem{host: host.Self}
	dateTime.Self = types.ManagedObjectReference{Type: "HostDateTimeSystem", Value: "dateTimeSystem-" + host.Self.Value}
	dateTime.DateTimeInfo = types.HostDateTimeInfo{
		TimeZone:  utcTimeZone,
		NtpConfig: &types.HostNtpConfig{},
	}
	if host.Config.DateTimeInfo == nil {
		info := copyDateTimeInfo(dateTime.DateTimeInfo)
		host.Config.DateTimeInfo = &info
	}

	return &hostSystems{services: services, dateTime: dateTime}
}

func copyServices(in []types.HostService) []types.HostService {
	out := make([]types.HostService, len(in))
	for i, s := range in {
		out[i] = s
		out[i].Ruleset = append([]string(nil), s.Ruleset...)
		if s.SourcePackage != nil {
			pkg := *s.SourcePackage
			out[i].SourcePackage = &pkg
		}
	}
	return out
}

// HostServiceSystem

type hostServiceSystem struct {
	mo.HostServiceSystem

	host types.ManagedObjectReference
}

func (s *hostServiceSystem) find(id string) int {
	for i := range s.ServiceInfo.Service {
		if s.ServiceInfo.Service[i].Key == id {
			return i
		}
	}
	return -1
}

func serviceNotFound() *soap.Fault {
	return fault("The object or item referred to could not be found.", &types.NotFound{})
}

// update applies a change to the service list of both the service system and the host's config.service.
func (s *hostServiceSystem) update(change func([]types.HostService) []types.HostService) {
	list := change(copyServices(s.ServiceInfo.Service))
	simulator.Map.Update(s, []types.PropertyChange{{Name: "serviceInfo.service", Val: copyServices(list)}})

	host, ok := simulator.Map.Get(s.host).(*simulator.HostSystem)
	if !ok {
		return
	}
	simulator.Map.WithLock(host, func() {
		simulator.Map.Update(host, []types.PropertyChange{{Name: "config.service.service", Val: copyServices(list)}})
	})
}

func (s *hostServiceSystem) setRunning(id string, running bool) *soap.Fault {
	i := s.find(id)
	if i < 0 {
		return serviceNotFound()
	}
	s.update(func(list []types.HostService) []types.HostService {
		list[i].Running = running
		return list
	})
	return nil
}

func (s *hostServiceSystem) StartService(ctx *simulator.Context, req *types.StartService) soap.HasFault {
	body := &methods.StartServiceBody{}
	if body.Fault_ = s.setRunning(req.Id, true); body.Fault_ == nil {
		body.Res = &types.StartServiceResponse{}
	}
	return body
}

func (s *hostServiceSystem) StopService(ctx *simulator.Context, req *types.StopService) soap.HasFault {
	body := &methods.StopServiceBody{}
	if body.Fault_ = s.setRunning(req.Id, false); body.Fault_ == nil {
		body.Res = &types.StopServiceResponse{}
	}
	return body
}

func (s *hostServiceSystem) RestartService(ctx *simulator.Context, req *types.RestartService) soap.HasFault {
	body := &methods.RestartServiceBody{}
	if body.Fault_ = s.setRunning(req.Id, true); body.Fault_ == nil {
		body.Res = &types.RestartServiceResponse{}
	}
	return body
}

func (s *hostServiceSystem) UpdateServicePolicy(ctx *simulator.Context, req *types.UpdateServicePolicy) soap.HasFault {
	body := &methods.UpdateServicePolicyBody{}
	i := s.find(req.Id)
	switch {
	case i < 0:
		body.Fault_ = serviceNotFound()
	case s.ServiceInfo.Service[i].Required:
		body.Fault_ = fault("A specified parameter was not correct: id", &types.InvalidArgument{InvalidProperty: "id"})
	case !validServicePolicy(req.Policy):
		body.Fault_ = fault("A specified parameter was not correct: policy", &types.InvalidArgument{InvalidProperty: "policy"})
	default:
		s.update(func(list []types.HostService) []types.HostService {
			list[i].Policy = req.Policy
			return list
		})
		body.Res = &types.UpdateServicePolicyResponse{}
	}
	return body
}

func validServicePolicy(policy string) bool {
	switch types.HostServicePolicy(policy) {
	case types.HostServicePolicyOn, types.HostServicePolicyOff, types.HostServicePolicyAutomatic:
		return true
	}
	return false
}

func (s *hostServiceSystem) UninstallService(ctx *simulator.Context, req *types.UninstallService) soap.HasFault {
	body := &methods.UninstallServiceBody{}
	i := s.find(req.Id)
	switch {
	case i < 0:
		body.Fault_ = serviceNotFound()
	case s.ServiceInfo.Service[i].Required:
		body.Fault_ = fault("A specified parameter was not correct: id", &types.InvalidArgument{InvalidProperty: "id"})
	case !s.ServiceInfo.Service[i].Uninstallable:
		body.Fault_ = fault("The operation is not supported on the object.", &types.NotSupported{})
	default:
		s.update(func(list []types.HostService) []types.HostService {
			return append(list[:i], list[i+1:]...)
		})
		body.Res = &types.UninstallServiceResponse{}
	}
	return body
}

func (s *hostServiceSystem) RefreshServices(ctx *simulator.Context, req *types.RefreshServices) soap.HasFault {
	return &methods.RefreshServicesBody{Res: &types.RefreshServicesResponse{}}
}

// HostDateTimeSystem

var utcTimeZone = types.HostDateTimeSystemTimeZone{Key: "UTC", Name: "UTC", Description: "UTC", GmtOffset: 0}

type hostDateTimeSystem struct {
	mo.HostDateTimeSystem

	host   types.ManagedObjectReference
	offset time.Duration // set by UpdateDateTime
}

func copyDateTimeInfo(in types.HostDateTimeInfo) types.HostDateTimeInfo {
	out := in
	if in.NtpConfig != nil {
		out.NtpConfig = &types.HostNtpConfig{
			Server:     append([]string(nil), in.NtpConfig.Server...),
			ConfigFile: append([]string(nil), in.NtpConfig.ConfigFile...),
		}
	}
	return out
}

var hostNamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$`)

func validNtpServer(server string) bool {
	if net.ParseIP(server) != nil {
		return true
	}
	return len(server) <= 253 && hostNamePattern.MatchString(server) && !strings.HasSuffix(server, "-")
}

func hostConfigFault(msg string) *soap.Fault {
	return fault(msg, &types.HostConfigFault{})
}

func (s *hostDateTimeSystem) UpdateDateTimeConfig(ctx *simulator.Context, req *types.UpdateDateTimeConfig) soap.HasFault {
	body := &methods.UpdateDateTimeConfigBody{}
	info := copyDateTimeInfo(s.DateTimeInfo)

	if tz := req.Config.TimeZone; tz != "" {
		if tz != utcTimeZone.Key {
			body.Fault_ = hostConfigFault("Invalid time zone: " + tz)
			return body
		}
		info.TimeZone = utcTimeZone
	}

	if ntp := req.Config.NtpConfig; ntp != nil {
		servers := make([]string, 0, len(ntp.Server))
		for _, server := range ntp.Server {
			servers = append(servers, strings.TrimSpace(server))
		}
		if len(ntp.Server) == 0 {
			for _, line := range ntp.ConfigFile {
				if fields := strings.Fields(line); len(fields) >= 2 && fields[0] == "server" {
					servers = append(servers, fields[1])
				}
			}
		}
		for _, server := range servers {
			if !validNtpServer(server) {
				body.Fault_ = hostConfigFault("Invalid NTP server: " + server)
				return body
			}
		}
		info.NtpConfig = &types.HostNtpConfig{Server: servers, ConfigFile: append([]string(nil), ntp.ConfigFile...)}
	}

	s.apply(info)
	body.Res = &types.UpdateDateTimeConfigResponse{}
	return body
}

// apply publishes new dateTimeInfo on the date/time system and in the host's config.dateTimeInfo.
func (s *hostDateTimeSystem) apply(info types.HostDateTimeInfo) {
	changes := func(prefix string) []types.PropertyChange {
		c := copyDateTimeInfo(info)
		return []types.PropertyChange{
			{Name: prefix + ".timeZone.key", Val: c.TimeZone.Key},
			{Name: prefix + ".timeZone.name", Val: c.TimeZone.Name},
			{Name: prefix + ".timeZone.description", Val: c.TimeZone.Description},
			{Name: prefix + ".timeZone.gmtOffset", Val: c.TimeZone.GmtOffset},
			{Name: prefix + ".ntpConfig.server", Val: c.NtpConfig.Server},
			{Name: prefix + ".ntpConfig.configFile", Val: c.NtpConfig.ConfigFile},
		}
	}
	simulator.Map.Update(s, changes("dateTimeInfo"))

	host, ok := simulator.Map.Get(s.host).(*simulator.HostSystem)
	if !ok {
		return
	}
	simulator.Map.WithLock(host, func() {
		simulator.Map.Update(host, changes("config.dateTimeInfo"))
	})
}

func (s *hostDateTimeSystem) QueryDateTime(ctx *simulator.Context, req *types.QueryDateTime) soap.HasFault {
	return &methods.QueryDateTimeBody{Res: &types.QueryDateTimeResponse{Returnval: time.Now().Add(s.offset).UTC()}}
}

func (s *hostDateTimeSystem) UpdateDateTime(ctx *simulator.Context, req *types.UpdateDateTime) soap.HasFault {
	body := &methods.UpdateDateTimeBody{}
	if req.DateTime.IsZero() {
		body.Fault_ = hostConfigFault("Invalid date and time")
		return body
	}
	s.offset = time.Until(req.DateTime)
	body.Res = &types.UpdateDateTimeResponse{}
	return body
}

func (s *hostDateTimeSystem) QueryAvailableTimeZones(ctx *simulator.Context, req *types.QueryAvailableTimeZones) soap.HasFault {
	return &methods.QueryAvailableTimeZonesBody{Res: &types.QueryAvailableTimeZonesResponse{
		Returnval: []types.HostDateTimeSystemTimeZone{utcTimeZone},
	}}
}

func (s *hostDateTimeSystem) RefreshDateTimeSystem(ctx *simulator.Context, req *types.RefreshDateTimeSystem) soap.HasFault {
	return &methods.RefreshDateTimeSystemBody{Res: &types.RefreshDateTimeSystemResponse{}}
}

// HostSystem.RebootHost_Task and ShutdownHost_Task

type hostRoutes struct{}

func (hostRoutes) RebootHostTask(ctx *simulator.Context, req *types.RebootHost_Task) soap.HasFault {
	ref := startHostPowerTask(ctx, req.This, req.Force, false)
	return &methods.RebootHost_TaskBody{Res: &types.RebootHost_TaskResponse{Returnval: ref}}
}

func (hostRoutes) ShutdownHostTask(ctx *simulator.Context, req *types.ShutdownHost_Task) soap.HasFault {
	ref := startHostPowerTask(ctx, req.This, req.Force, true)
	return &methods.ShutdownHost_TaskBody{Res: &types.ShutdownHost_TaskResponse{Returnval: ref}}
}

func startHostPowerTask(ctx *simulator.Context, ref types.ManagedObjectReference, force, shutdown bool) types.ManagedObjectReference {
	spec := taskSpec{
		entity: ref,
		name:   "RebootHost_Task",
		descID: "HostSystem.reboot",
		delay:  *taskDelayFlag,
		run: func(ctx *simulator.Context) (types.AnyType, types.BaseMethodFault) {
			return nil, hostPowerOp(ctx, ref, force, shutdown)
		},
		done: func(ctx *simulator.Context, err types.BaseMethodFault) {
			if err == nil {
				esxHostPowered(ctx, ref, shutdown) // in ESX mode the host goes down (esx_mode.go)
			}
		},
	}
	if shutdown {
		spec.name, spec.descID = "ShutdownHost_Task", "HostSystem.shutdown"
	}
	return startTask(ctx, spec)
}

// hostPowerOp reboots or shuts down a host. It locks the host, then each VM, one at a time.
func hostPowerOp(ctx *simulator.Context, ref types.ManagedObjectReference, force, shutdown bool) types.BaseMethodFault {
	host, ok := simulator.Map.Get(ref).(*simulator.HostSystem)
	if !ok {
		return &types.ManagedObjectNotFound{Obj: ref}
	}

	var err types.BaseMethodFault
	var vms []types.ManagedObjectReference
	simulator.Map.WithLock(host, func() {
		switch {
		case host.Capability != nil && shutdown && !host.Capability.ShutdownSupported,
			host.Capability != nil && !shutdown && !host.Capability.RebootSupported:
			err = &types.NotSupported{}
		case host.Runtime.PowerState != "" && host.Runtime.PowerState != types.HostSystemPowerStatePoweredOn:
			err = &types.InvalidState{}
		case !force && !host.Runtime.InMaintenanceMode:
			err = &types.InvalidState{}
		default:
			vms = append(vms, host.Vm...)
		}
	})
	if err != nil {
		return err
	}

	for _, vmRef := range vms {
		vm, ok := simulator.Map.Get(vmRef).(*simulator.VirtualMachine)
		if !ok {
			continue
		}
		simulator.Map.WithLock(vm, func() {
			if vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
				setVMPowerState(vm, types.VirtualMachinePowerStatePoweredOff)
				postEvent(internalContext(ctx, vm.Self), &types.VmPoweredOffEvent{VmEvent: vmEvent(vm)})
			}
		})
	}

	simulator.Map.WithLock(host, func() {
		if shutdown {
			simulator.Map.Update(host, []types.PropertyChange{
				{Name: "runtime.powerState", Val: types.HostSystemPowerStatePoweredOff},
				{Name: "summary.runtime.powerState", Val: types.HostSystemPowerStatePoweredOff},
			})
			return
		}
		now := time.Now()
		simulator.Map.Update(host, []types.PropertyChange{
			{Name: "runtime.bootTime", Val: now},
			{Name: "summary.runtime.bootTime", Val: now},
			{Name: "runtime.powerState", Val: types.HostSystemPowerStatePoweredOn},
			{Name: "summary.runtime.powerState", Val: types.HostSystemPowerStatePoweredOn},
		})
	})
	return nil
}
