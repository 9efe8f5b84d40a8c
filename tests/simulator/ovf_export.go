package main

// OVF export and import: VirtualMachine.ExportVm, ResourcePool/VirtualApp.ImportVApp (routed through gxRouter, see
// gx_common.go) and OvfManager.CreateDescriptor, ParseDescriptor and CreateImportSpec. Leases are in nfc_lease.go.
//
// ExportVm(vm): the VM must not be powered on (InvalidPowerState; powered off or suspended is fine, as in vSphere).
// The lease is ready at once; info.entity is the VM, info.totalDiskCapacityInKB the sum of its disks, and
// info.deviceUrl has one entry per virtual disk, in device order n = 0, 1, ...: key "/<vm moref>/<controller
// type><bus>:<unit>" (e.g. "/vm-54/ParaVirtualSCSIController0:0"), targetId and URL file "disk-<n>.vmdk", disk true,
// url "https://127.0.0.1:<port>/nfc/<lease moref>/disk-<n>.vmdk" on the hosts' endpoint with its sslThumbprint
// (host_endpoint.go; "<scheme>://*/nfc/..." in ESX mode, see nfc_lease.go). A GET of the URL returns the bytes of the
// datastore file backing the disk.
//
// ImportVApp: the stock implementation creates the VM and its lease; the lease is then replaced (same moref) by
// one whose device URLs store what is uploaded in the datastore files backing the new VM's devices.
//
// CreateDescriptor(obj, cdp): obj must be a VM (else NotSupported). The result is an OVF 1.0 envelope with
// References (one File per cdp.ovfFiles entry whose deviceId is a disk key from the export lease: ovf:href = path,
// ovf:size = size), a DiskSection (ovf:capacity in bytes, ovf:fileRef when a file was given, the VMware
// streamOptimized format, ovf:populatedSize), a NetworkSection with the networks of the VM's NICs, and a VirtualSystem
// (ovf:id and Name = cdp.name or the VM name; AnnotationSection from cdp.description or the VM's annotation;
// OperatingSystemSection with the CIM id and vmw:osType = guestId; VirtualHardwareSection with the hardware version,
// CPUs (and vmw:CoresPerSocket), memory, IDE/SCSI/SATA/NVMe controllers, disks, CD-ROMs, floppies, NICs with their
// network Connection, the video card and VMCI). ovfFiles entries that match no disk are reported in warning.
//
// ParseDescriptor(ovfDescriptor, pdp) returns network (the NetworkSection), eula, annotation, productInfo, property,
// deploymentOption and defaultDeploymentOption, defaultEntityName, virtualApp, and approximate download and
// deployment sizes; an unparsable descriptor gives InvalidArgument (ovfDescriptor).
//
// CreateImportSpec is the stock one, after two fixes to the descriptor that keep it from dropping or crashing on
// descriptors vSphere writes: ResourceSubType lsilogicsas is mapped to the stock name lsilogic-sas, and a CD-ROM
// whose parent is not an IDE controller (the stock code only handles IDE, and panics otherwise) is moved to the
// first IDE controller, or left out with a warning when there is none. The result also carries the descriptor's
// vmw:ExtraConfig entries (VirtualHardwareSection) as configSpec.extraConfig, as vCenter's does.

import (
	"encoding/xml"
	"fmt"
	"log"
	"reflect"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/ovf"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// ovfLeaseTimeout is the HttpNfcLeaseInfo.leaseTimeout, in seconds (vSphere's default; not enforced).
const ovfLeaseTimeout = 300

// ovfManager replaces the simulator's OvfManager, keeping its CreateImportSpec.
type ovfManager struct {
	simulator.OvfManager
}

func init() {
	extensions = append(extensions, installOvfExport)
}

func installOvfExport(model *simulator.Model) {
	gxInstallRouter(model)
	si, ok := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance)
	if !ok || si.Content.OvfManager == nil {
		return
	}
	v, ok := gxEmbedded(simulator.Map.Get(*si.Content.OvfManager), reflect.TypeOf((*simulator.OvfManager)(nil)))
	if !ok {
		return
	}
	simulator.Map.Put(&ovfManager{OvfManager: *v.Interface().(*simulator.OvfManager)})
}

// ExportVm implements VirtualMachine.ExportVm.
func (r *gxRouter) ExportVm(ctx *simulator.Context, req *gxExportVmRequest) soap.HasFault {
	body := new(methods.ExportVmBody)
	ref := req.Req.This
	vm, obj, ok := gxVM(ref)
	if !ok {
		body.Fault_ = gxNotFound(ref)
		return body
	}
	var lease *nfcLease
	simulator.Map.WithLock(obj, func() {
		if vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
			body.Fault_ = simulator.Fault("The attempted operation cannot be performed in the current state (Powered on).",
				&types.InvalidPowerState{RequestedState: types.VirtualMachinePowerStatePoweredOff, ExistingState: vm.Runtime.PowerState})
			return
		}
		lease = &nfcLease{export: true, files: map[string]*nfcFile{}}
		lease.State = types.HttpNfcLeaseStateReady
		lease.InitializeProgress = 100
		lease.Mode = string(types.HttpNfcLeaseModePushOrGet)
		lease.Self.Type = "HttpNfcLease" // else Session.Put names the type after the Go struct
		ctx.Session.Put(lease)
		lease.Info = &types.HttpNfcLeaseInfo{Lease: lease.Self, Entity: ref, LeaseTimeout: ovfLeaseTimeout}

		devices := object.VirtualDeviceList(vm.Config.Hardware.Device)
		n := 0
		for _, d := range devices {
			disk, ok := d.(*types.VirtualDisk)
			if !ok {
				continue
			}
			backing, ok := disk.Backing.(types.BaseVirtualDeviceFileBackingInfo)
			if !ok {
				continue
			}
			host, ok := gxDatastoreFile(vm, backing.GetVirtualDeviceFileBackingInfo().FileName)
			if !ok {
				continue
			}
			name := fmt.Sprintf("disk-%d.vmdk", n)
			n++
			key := ovfDeviceKey(ref, devices, disk)
			lease.files[name] = &nfcFile{key: key, host: host, disk: true, capacity: nfcDiskCapacity(disk)}
			lease.Info.TotalDiskCapacityInKB += nfcDiskCapacity(disk) / 1024
			lease.Info.DeviceUrl = append(lease.Info.DeviceUrl, types.HttpNfcLeaseDeviceUrl{
				Key:           key,
				Url:           nfcURL(r.svc, lease.Self, name),
				SslThumbprint: nfcThumbprint(r.svc),
				Disk:          types.NewBool(true),
				TargetId:      name,
			})
		}
	})
	if body.Fault_ != nil {
		return body
	}
	lease.serve(r.svc)
	body.Res = &types.ExportVmResponse{Returnval: lease.Self}
	return body
}

// ovfDeviceKey is the key vSphere gives a disk in export leases and OVF file items: "/<vm>/<controller><bus>:<unit>".
func ovfDeviceKey(vm types.ManagedObjectReference, devices object.VirtualDeviceList, d types.BaseVirtualDevice) string {
	dev := d.GetVirtualDevice()
	unit := int32(0)
	if dev.UnitNumber != nil {
		unit = *dev.UnitNumber
	}
	controller := "VirtualController"
	bus := int32(0)
	if c := devices.FindByKey(dev.ControllerKey); c != nil {
		controller = reflect.TypeOf(c).Elem().Name()
		if vc, ok := c.(types.BaseVirtualController); ok {
			bus = vc.GetVirtualController().BusNumber
		}
	}
	return fmt.Sprintf("/%s/%s%d:%d", vm.Value, controller, bus, unit)
}

// ImportVApp runs the stock ResourcePool/VirtualApp.ImportVApp, then gives the new VM a lease that keeps the bytes.
func (r *gxRouter) ImportVApp(ctx *simulator.Context, req *gxImportVAppRequest) soap.HasFault {
	target := ctx.Map.Get(req.Req.This)
	if target == nil {
		return &methods.ImportVAppBody{Fault_: gxNotFound(req.Req.This)}
	}
	if f := poolPlacementFault(req.Req.This, req.Req.Host); f != nil {
		return &methods.ImportVAppBody{Fault_: f}
	}
	res := gxInvoke(ctx, target, "ImportVApp", &req.Req)
	body, ok := res.(*methods.ImportVAppBody)
	if !ok || body.Fault_ != nil || body.Res == nil {
		return res
	}
	ref := body.Res.Returnval
	stock, ok := ctx.Session.Get(ref).(*simulator.HttpNfcLease)
	if !ok || stock.Info == nil {
		return body
	}
	vm, obj, ok := gxVM(stock.Info.Entity)
	if !ok {
		return body
	}
	lease := &nfcLease{HttpNfcLease: stock.HttpNfcLease}
	info := *stock.Info
	info.LeaseTimeout = ovfLeaseTimeout
	info.DeviceUrl = append([]types.HttpNfcLeaseDeviceUrl(nil), stock.Info.DeviceUrl...)
	simulator.Map.WithLock(obj, func() {
		lease.files = nfcDeviceFiles(vm)
		for _, d := range vm.Config.Hardware.Device {
			if disk, ok := d.(*types.VirtualDisk); ok {
				info.TotalDiskCapacityInKB += nfcDiskCapacity(disk) / 1024
			}
		}
	})
	for i := range info.DeviceUrl {
		u := &info.DeviceUrl[i]
		name := u.Url[strings.LastIndex(u.Url, "/")+1:]
		if f, ok := lease.files[name]; ok {
			f.key = u.Key
		}
		u.Url = nfcURL(r.svc, ref, name)
		u.SslThumbprint = nfcThumbprint(r.svc)
	}
	lease.Info = &info
	lease.Mode = string(types.HttpNfcLeaseModePushOrGet)
	lease.InitializeProgress = 100
	ctx.Session.Put(lease)
	lease.serve(r.svc)
	return body
}

// CreateImportSpec applies the descriptor fixes described at the top of this file, then runs the stock method.
func (m *ovfManager) CreateImportSpec(ctx *simulator.Context, req *types.CreateImportSpec) (res soap.HasFault) {
	fixed, warnings := ovfImportFixups(req.OvfDescriptor)
	r := *req
	r.OvfDescriptor = fixed
	defer func() {
		if p := recover(); p != nil {
			log.Printf("CreateImportSpec: %v", p)
			res = &methods.CreateImportSpecBody{Fault_: simulator.Fault(fmt.Sprintf("unsupported OVF descriptor: %v", p),
				&types.InvalidArgument{InvalidProperty: "ovfDescriptor"})}
		}
	}()
	res = m.OvfManager.CreateImportSpec(ctx, &r)
	if body, ok := res.(*methods.CreateImportSpecBody); ok && body.Res != nil {
		body.Res.Returnval.Warning = append(body.Res.Returnval.Warning, warnings...)
		if spec, ok := body.Res.Returnval.ImportSpec.(*types.VirtualMachineImportSpec); ok {
			spec.ConfigSpec.ExtraConfig = append(spec.ConfigSpec.ExtraConfig, ovfExtraConfig(req.OvfDescriptor)...)
		}
	}
	return res
}

// ovfExtraConfig turns the vmw:ExtraConfig entries of the VirtualHardwareSection into configSpec.extraConfig, as
// vCenter does (the stock method ignores them): each vmw:key / vmw:value becomes an OptionValue with a string value.
func ovfExtraConfig(descriptor string) []types.BaseOptionValue {
	var env struct {
		Entries []struct {
			Key   string `xml:"http://www.vmware.com/schema/ovf key,attr"`
			Value string `xml:"http://www.vmware.com/schema/ovf value,attr"`
		} `xml:"VirtualSystem>VirtualHardwareSection>ExtraConfig"`
	}
	if err := xml.Unmarshal([]byte(descriptor), &env); err != nil {
		return nil
	}
	var options []types.BaseOptionValue
	for _, e := range env.Entries {
		if e.Key != "" {
			options = append(options, &types.OptionValue{Key: e.Key, Value: e.Value})
		}
	}
	return options
}

// ovfImportFixups rewrites what the stock CreateImportSpec cannot take (see the top of this file).
func ovfImportFixups(descriptor string) (string, []types.LocalizedMethodFault) {
	env, err := ovf.Unmarshal(strings.NewReader(descriptor))
	if err != nil || env.VirtualSystem == nil || len(env.VirtualSystem.VirtualHardware) == 0 {
		return descriptor, nil
	}
	var warnings []types.LocalizedMethodFault
	changed := false
	for h := range env.VirtualSystem.VirtualHardware {
		hw := &env.VirtualSystem.VirtualHardware[h]
		kind := map[string]uint16{}
		firstIDE := ""
		for _, item := range hw.Item {
			if item.ResourceType != nil {
				kind[item.InstanceID] = *item.ResourceType
				if *item.ResourceType == 5 && firstIDE == "" {
					firstIDE = item.InstanceID
				}
			}
		}
		items := hw.Item[:0]
		for _, item := range hw.Item {
			if item.ResourceSubType != nil && strings.EqualFold(*item.ResourceSubType, "lsilogicsas") {
				sub := "lsilogic-sas"
				item.ResourceSubType = &sub
				changed = true
			}
			if item.ResourceType != nil && *item.ResourceType == 15 && item.Parent != nil && kind[*item.Parent] != 5 {
				changed = true
				if firstIDE == "" {
					warnings = append(warnings, types.LocalizedMethodFault{
						Fault: &types.OvfUnsupportedDeviceBackingOption{},
						LocalizedMessage: fmt.Sprintf("CD/DVD drive %q is not on an IDE controller and was left out",
							item.ElementName),
					})
					continue
				}
				parent := firstIDE
				item.Parent = &parent
				item.AddressOnParent = nil
			}
			items = append(items, item)
		}
		hw.Item = items
	}
	if !changed {
		return descriptor, warnings
	}
	out, err := xml.Marshal(env)
	if err != nil {
		return descriptor, warnings
	}
	return string(out), warnings
}

// CreateDescriptor implements OvfManager.CreateDescriptor for virtual machines.
func (m *ovfManager) CreateDescriptor(ctx *simulator.Context, req *types.CreateDescriptor) soap.HasFault {
	body := new(methods.CreateDescriptorBody)
	if req.Obj.Type != "VirtualMachine" {
		body.Fault_ = simulator.Fault(fmt.Sprintf("CreateDescriptor of a %s is not supported by this simulator", req.Obj.Type),
			&types.NotSupported{})
		return body
	}
	vm, obj, ok := gxVM(req.Obj)
	if !ok {
		body.Fault_ = gxNotFound(req.Obj)
		return body
	}
	var res types.OvfCreateDescriptorResult
	simulator.Map.WithLock(obj, func() { res = ovfDescribe(vm, req.Cdp) })
	body.Res = &types.CreateDescriptorResponse{Returnval: res}
	return body
}

// ovfWriter accumulates the descriptor text.
type ovfWriter struct {
	strings.Builder
}

func ovfEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (w *ovfWriter) linef(indent int, format string, args ...interface{}) {
	w.WriteString(strings.Repeat("  ", indent))
	fmt.Fprintf(&w.Builder, format, args...)
	w.WriteByte('\n')
}

// ovfItem is one rasd Item; its elements are written in the CIM schema order.
type ovfItem struct {
	required            *bool
	addressOnParent     string
	address             string
	allocationUnits     string
	automaticAllocation *bool
	connection          string
	description         string
	elementName         string
	hostResource        string
	instanceID          int
	parent              int
	resourceSubType     string
	resourceType        int
	virtualQuantity     int64
	extra               []string // vmw: elements after the rasd ones
}

func (w *ovfWriter) item(it ovfItem) {
	if it.required != nil {
		w.linef(3, `<Item ovf:required="%t">`, *it.required)
	} else {
		w.linef(3, `<Item>`)
	}
	el := func(name, value string) {
		if value != "" {
			w.linef(4, "<rasd:%s>%s</rasd:%s>", name, ovfEscape(value), name)
		}
	}
	el("Address", it.address)
	el("AddressOnParent", it.addressOnParent)
	el("AllocationUnits", it.allocationUnits)
	if it.automaticAllocation != nil {
		el("AutomaticAllocation", strconv.FormatBool(*it.automaticAllocation))
	}
	el("Connection", it.connection)
	el("Description", it.description)
	el("ElementName", it.elementName)
	el("HostResource", it.hostResource)
	el("InstanceID", strconv.Itoa(it.instanceID))
	if it.parent != 0 {
		el("Parent", strconv.Itoa(it.parent))
	}
	el("ResourceSubType", it.resourceSubType)
	el("ResourceType", strconv.Itoa(it.resourceType))
	if it.virtualQuantity != 0 {
		el("VirtualQuantity", strconv.FormatInt(it.virtualQuantity, 10))
	}
	for _, x := range it.extra {
		w.linef(4, "%s", x)
	}
	w.linef(3, `</Item>`)
}

// ovfNetworkName returns the name of the network a NIC is connected to.
func ovfNetworkName(backing types.BaseVirtualDeviceBackingInfo) string {
	switch b := backing.(type) {
	case *types.VirtualEthernetCardNetworkBackingInfo:
		if b.Network != nil {
			if e, ok := simulator.Map.Get(*b.Network).(mo.Entity); ok {
				return e.Entity().Name
			}
		}
		return b.DeviceName
	case *types.VirtualEthernetCardDistributedVirtualPortBackingInfo:
		for _, e := range simulator.Map.All("DistributedVirtualPortgroup") {
			if v, ok := gxEmbedded(e, reflect.TypeOf((*mo.DistributedVirtualPortgroup)(nil))); ok {
				if pg := v.Interface().(*mo.DistributedVirtualPortgroup); pg.Key == b.Port.PortgroupKey {
					return pg.Name
				}
			}
		}
		return b.Port.PortgroupKey
	case *types.VirtualEthernetCardOpaqueNetworkBackingInfo:
		return b.OpaqueNetworkId
	}
	return ""
}

// ovfNICSubType is the OVF ResourceSubType of a NIC.
func ovfNICSubType(d types.BaseVirtualDevice) string {
	switch d.(type) {
	case *types.VirtualE1000:
		return "E1000"
	case *types.VirtualE1000e:
		return "E1000e"
	case *types.VirtualVmxnet3:
		return "VmxNet3"
	case *types.VirtualVmxnet2:
		return "VmxNet2"
	case *types.VirtualPCNet32:
		return "PCNet32"
	case *types.VirtualSriovEthernetCard:
		return "SriovEthernetCard"
	}
	return strings.TrimPrefix(reflect.TypeOf(d).Elem().Name(), "Virtual")
}

// ovfOSID maps a guestId to the CIM_OperatingSystem OsType that vSphere writes in ovf:id.
func ovfOSID(guestID string) int {
	id := strings.ToLower(guestID)
	switch {
	case id == "otherguest":
		return 1
	case id == "otherguest64":
		return 102
	case id == "otherlinuxguest":
		return 36
	case strings.HasPrefix(id, "other26xlinux64"):
		return 100
	case strings.HasPrefix(id, "other") && strings.Contains(id, "linux64"):
		return 101
	case strings.HasPrefix(id, "rhel") && strings.Contains(id, "64"):
		return 80
	case strings.HasPrefix(id, "rhel"):
		return 79
	case strings.HasPrefix(id, "sles") && strings.Contains(id, "64"):
		return 85
	case strings.HasPrefix(id, "ubuntu64"):
		return 94
	case strings.HasPrefix(id, "ubuntu"):
		return 93
	case strings.HasPrefix(id, "debian") && strings.Contains(id, "64"):
		return 96
	case strings.HasPrefix(id, "debian"):
		return 95
	case strings.HasPrefix(id, "centos") && strings.Contains(id, "64"):
		return 107
	case strings.HasPrefix(id, "centos"):
		return 106
	case strings.HasPrefix(id, "oraclelinux") && strings.Contains(id, "64"):
		return 109
	case strings.HasPrefix(id, "oraclelinux"):
		return 108
	case strings.HasPrefix(id, "windows7server64"):
		return 103
	case strings.HasPrefix(id, "windows7"):
		return 105
	case strings.HasPrefix(id, "vmkernel"):
		return 104
	case strings.Contains(id, "64"):
		return 102
	}
	return 1
}

// ovfDescribe writes the descriptor of vm (see the top of this file). The caller holds the VM's lock.
func ovfDescribe(vm *simulator.VirtualMachine, cdp types.OvfCreateDescriptorParams) types.OvfCreateDescriptorResult {
	var res types.OvfCreateDescriptorResult
	name := cdp.Name
	if name == "" {
		name = vm.Name
	}
	annotation := cdp.Description
	if annotation == "" && vm.Config != nil {
		annotation = vm.Config.Annotation
	}
	devices := object.VirtualDeviceList(vm.Config.Hardware.Device)

	// Files and disks.
	files := map[string]types.OvfFile{}
	for _, f := range cdp.OvfFiles {
		files[f.DeviceId] = f
	}
	type ovfDisk struct {
		id, fileID string
		device     *types.VirtualDisk
		file       *types.OvfFile
	}
	var disks []ovfDisk
	used := map[string]bool{}
	for _, d := range devices {
		disk, ok := d.(*types.VirtualDisk)
		if !ok {
			continue
		}
		od := ovfDisk{id: fmt.Sprintf("vmdisk%d", len(disks)+1), device: disk}
		key := ovfDeviceKey(vm.Self, devices, disk)
		if f, ok := files[key]; ok {
			f := f
			od.file = &f
			used[key] = true
		}
		disks = append(disks, od)
	}
	for _, f := range cdp.OvfFiles {
		if !used[f.DeviceId] {
			res.Warning = append(res.Warning, types.LocalizedMethodFault{
				Fault:            &types.InvalidArgument{InvalidProperty: "cdp.ovfFiles"},
				LocalizedMessage: fmt.Sprintf("ovfFiles entry %q (deviceId %q) matches no disk of %s", f.Path, f.DeviceId, vm.Name),
			})
		}
	}

	// Networks, in device order.
	var networks []string
	seen := map[string]bool{}
	for _, d := range devices {
		if nic, ok := d.(types.BaseVirtualEthernetCard); ok {
			n := ovfNetworkName(nic.GetVirtualEthernetCard().Backing)
			if n != "" && !seen[n] {
				seen[n] = true
				networks = append(networks, n)
			}
		}
	}

	w := &ovfWriter{}
	w.linef(0, `<?xml version="1.0" encoding="UTF-8"?>`)
	w.linef(0, `<Envelope vmw:buildId="build-5973321" xmlns="http://schemas.dmtf.org/ovf/envelope/1" `+
		`xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" `+
		`xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" `+
		`xmlns:vmw="http://www.vmware.com/schema/ovf" `+
		`xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" `+
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	w.linef(1, `<References>`)
	for i := range disks {
		if f := disks[i].file; f != nil {
			disks[i].fileID = fmt.Sprintf("file%d", i+1)
			size := ""
			if f.Size > 0 {
				size = fmt.Sprintf(` ovf:size="%d"`, f.Size)
			}
			w.linef(2, `<File ovf:href="%s" ovf:id="%s"%s/>`, ovfEscape(f.Path), disks[i].fileID, size)
		}
	}
	w.linef(1, `</References>`)

	w.linef(1, `<DiskSection>`)
	w.linef(2, `<Info>Virtual disk information</Info>`)
	for _, d := range disks {
		attrs := fmt.Sprintf(`ovf:capacity="%d" ovf:capacityAllocationUnits="byte" ovf:diskId="%s"`, nfcDiskCapacity(d.device), d.id)
		if d.fileID != "" {
			attrs += fmt.Sprintf(` ovf:fileRef="%s"`, d.fileID)
		}
		attrs += ` ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"`
		if d.file != nil {
			populated := d.file.PopulatedSize
			if populated == 0 {
				populated = d.file.Size
			}
			if populated > 0 {
				attrs += fmt.Sprintf(` ovf:populatedSize="%d"`, populated)
			}
		}
		w.linef(2, `<Disk %s/>`, attrs)
	}
	w.linef(1, `</DiskSection>`)

	w.linef(1, `<NetworkSection>`)
	w.linef(2, `<Info>The list of logical networks</Info>`)
	for _, n := range networks {
		w.linef(2, `<Network ovf:name="%s">`, ovfEscape(n))
		w.linef(3, `<Description>The %s network</Description>`, ovfEscape(n))
		w.linef(2, `</Network>`)
	}
	w.linef(1, `</NetworkSection>`)

	w.linef(1, `<VirtualSystem ovf:id="%s">`, ovfEscape(name))
	w.linef(2, `<Info>A virtual machine</Info>`)
	w.linef(2, `<Name>%s</Name>`, ovfEscape(name))
	if annotation != "" {
		w.linef(2, `<AnnotationSection>`)
		w.linef(3, `<Info>A human-readable annotation</Info>`)
		w.linef(3, `<Annotation>%s</Annotation>`, ovfEscape(annotation))
		w.linef(2, `</AnnotationSection>`)
	}
	guestID := vm.Config.GuestId
	w.linef(2, `<OperatingSystemSection ovf:id="%d" vmw:osType="%s">`, ovfOSID(guestID), ovfEscape(guestID))
	w.linef(3, `<Info>The kind of installed guest operating system</Info>`)
	if vm.Config.GuestFullName != "" {
		w.linef(3, `<Description>%s</Description>`, ovfEscape(vm.Config.GuestFullName))
	}
	w.linef(2, `</OperatingSystemSection>`)

	w.linef(2, `<VirtualHardwareSection>`)
	w.linef(3, `<Info>Virtual hardware requirements</Info>`)
	w.linef(3, `<System>`)
	w.linef(4, `<vssd:ElementName>Virtual Hardware Family</vssd:ElementName>`)
	w.linef(4, `<vssd:InstanceID>0</vssd:InstanceID>`)
	w.linef(4, `<vssd:VirtualSystemIdentifier>%s</vssd:VirtualSystemIdentifier>`, ovfEscape(name))
	version := vm.Config.Version
	if version == "" {
		version = "vmx-13"
	}
	w.linef(4, `<vssd:VirtualSystemType>%s</vssd:VirtualSystemType>`, ovfEscape(version))
	w.linef(3, `</System>`)

	id := 0
	next := func() int { id++; return id }
	cpus := int64(vm.Config.Hardware.NumCPU)
	cpu := ovfItem{
		allocationUnits: "hertz * 10^6",
		description:     "Number of Virtual CPUs",
		elementName:     fmt.Sprintf("%d virtual CPU(s)", cpus),
		instanceID:      next(),
		resourceType:    3,
		virtualQuantity: cpus,
	}
	if cores := vm.Config.Hardware.NumCoresPerSocket; cores > 1 {
		cpu.extra = append(cpu.extra, fmt.Sprintf(`<vmw:CoresPerSocket ovf:required="false">%d</vmw:CoresPerSocket>`, cores))
	}
	w.item(cpu)
	memory := int64(vm.Config.Hardware.MemoryMB)
	w.item(ovfItem{
		allocationUnits: "byte * 2^20",
		description:     "Memory Size",
		elementName:     fmt.Sprintf("%dMB of memory", memory),
		instanceID:      next(),
		resourceType:    4,
		virtualQuantity: memory,
	})

	notRequired := false
	controllers := map[int32]int{} // device key -> InstanceID
	unitOf := func(d *types.VirtualDevice) string {
		if d.UnitNumber == nil {
			return ""
		}
		return strconv.Itoa(int(*d.UnitNumber))
	}
	label := func(d *types.VirtualDevice, fallback string) string {
		if info := d.DeviceInfo; info != nil && strings.TrimSpace(info.GetDescription().Label) != "" {
			return strings.TrimSpace(info.GetDescription().Label)
		}
		return fallback
	}
	for _, d := range devices {
		dev := d.GetVirtualDevice()
		var it ovfItem
		switch c := d.(type) {
		case *types.VirtualIDEController:
			it = ovfItem{address: strconv.Itoa(int(c.BusNumber)), description: "IDE Controller",
				elementName: fmt.Sprintf("IDE %d", c.BusNumber), resourceType: 5}
		case types.BaseVirtualSCSIController:
			bus := c.GetVirtualSCSIController().BusNumber
			sub := map[string]string{
				"VirtualLsiLogicController":    "lsilogic",
				"VirtualBusLogicController":    "buslogic",
				"ParaVirtualSCSIController":    "VirtualSCSI",
				"VirtualLsiLogicSASController": "lsilogicsas",
			}[reflect.TypeOf(d).Elem().Name()]
			it = ovfItem{address: strconv.Itoa(int(bus)), description: "SCSI Controller",
				elementName: fmt.Sprintf("SCSI controller %d", bus), resourceSubType: sub, resourceType: 6}
		case *types.VirtualAHCIController:
			it = ovfItem{address: strconv.Itoa(int(c.BusNumber)), description: "SATA Controller",
				elementName: fmt.Sprintf("SATA controller %d", c.BusNumber), resourceSubType: "vmware.sata.ahci", resourceType: 20}
		case *types.VirtualNVMEController:
			it = ovfItem{address: strconv.Itoa(int(c.BusNumber)), description: "NVMe Controller",
				elementName: fmt.Sprintf("NVMe controller %d", c.BusNumber), resourceSubType: "vmware.nvme.controller", resourceType: 20}
		default:
			continue
		}
		it.instanceID = next()
		controllers[dev.Key] = it.instanceID
		w.item(it)
	}
	ndisk, ncd, nnic := 0, 0, 0
	for _, d := range devices {
		dev := d.GetVirtualDevice()
		switch c := d.(type) {
		case *types.VirtualDisk:
			n := ndisk
			ndisk++
			parent, ok := controllers[dev.ControllerKey]
			if !ok {
				continue
			}
			w.item(ovfItem{
				addressOnParent: unitOf(dev),
				elementName:     label(dev, fmt.Sprintf("Hard disk %d", n+1)),
				hostResource:    "ovf:/disk/" + disks[n].id,
				instanceID:      next(),
				parent:          parent,
				resourceType:    17,
			})
		case *types.VirtualCdrom:
			parent, ok := controllers[dev.ControllerKey]
			if !ok {
				continue
			}
			ncd++
			sub := "vmware.cdrom.remotepassthrough"
			if _, iso := c.Backing.(*types.VirtualCdromIsoBackingInfo); iso {
				sub = "vmware.cdrom.iso"
			}
			auto := dev.Connectable != nil && dev.Connectable.StartConnected
			w.item(ovfItem{
				required:            &notRequired,
				addressOnParent:     unitOf(dev),
				automaticAllocation: &auto,
				elementName:         label(dev, fmt.Sprintf("CD/DVD drive %d", ncd)),
				instanceID:          next(),
				parent:              parent,
				resourceSubType:     sub,
				resourceType:        15,
			})
		case *types.VirtualFloppy:
			auto := dev.Connectable != nil && dev.Connectable.StartConnected
			w.item(ovfItem{
				required:            &notRequired,
				addressOnParent:     unitOf(dev),
				automaticAllocation: &auto,
				elementName:         label(dev, "Floppy drive 1"),
				instanceID:          next(),
				resourceSubType:     "vmware.floppy.remotedevice",
				resourceType:        14,
			})
		case types.BaseVirtualEthernetCard:
			nnic++
			card := c.GetVirtualEthernetCard()
			network := ovfNetworkName(card.Backing)
			sub := ovfNICSubType(d)
			auto := card.Connectable == nil || card.Connectable.StartConnected
			w.item(ovfItem{
				addressOnParent:     unitOf(dev),
				automaticAllocation: &auto,
				connection:          network,
				description:         fmt.Sprintf("%s ethernet adapter on %q", sub, network),
				elementName:         label(dev, fmt.Sprintf("Network adapter %d", nnic)),
				instanceID:          next(),
				resourceSubType:     sub,
				resourceType:        10,
			})
		case *types.VirtualMachineVideoCard:
			w.item(ovfItem{
				required:            &notRequired,
				automaticAllocation: &notRequired,
				elementName:         label(dev, "Video card"),
				instanceID:          next(),
				resourceType:        24,
			})
		case *types.VirtualMachineVMCIDevice:
			w.item(ovfItem{
				required:            &notRequired,
				automaticAllocation: &notRequired,
				elementName:         label(dev, "VMCI device"),
				instanceID:          next(),
				resourceSubType:     "vmware.vmci",
				resourceType:        1,
			})
		}
	}
	w.linef(2, `</VirtualHardwareSection>`)
	w.linef(1, `</VirtualSystem>`)
	w.linef(0, `</Envelope>`)

	res.OvfDescriptor = w.String()
	res.IncludeImageFiles = types.NewBool(false)
	return res
}

// ParseDescriptor implements OvfManager.ParseDescriptor.
func (m *ovfManager) ParseDescriptor(ctx *simulator.Context, req *types.ParseDescriptor) soap.HasFault {
	body := new(methods.ParseDescriptorBody)
	env, err := ovf.Unmarshal(strings.NewReader(req.OvfDescriptor))
	if err != nil {
		body.Fault_ = simulator.Fault(err.Error(), &types.InvalidArgument{InvalidProperty: "ovfDescriptor"})
		return body
	}
	var res types.OvfParseDescriptorResult
	if env.Network != nil {
		for _, n := range env.Network.Networks {
			res.Network = append(res.Network, types.OvfNetworkInfo{Name: n.Name, Description: n.Description})
		}
	}
	var eulas []ovf.EulaSection
	var annotations []ovf.AnnotationSection
	var products []ovf.ProductSection
	if env.Eula != nil {
		eulas = append(eulas, *env.Eula)
	}
	if env.Annotation != nil {
		annotations = append(annotations, *env.Annotation)
	}
	if env.Product != nil {
		products = append(products, *env.Product)
	}
	if vs := env.VirtualSystem; vs != nil {
		eulas = append(eulas, vs.Eula...)
		annotations = append(annotations, vs.Annotation...)
		products = append(products, vs.Product...)
		res.DefaultEntityName = vs.ID
		if vs.Name != nil && *vs.Name != "" {
			res.DefaultEntityName = *vs.Name
		}
	}
	for _, e := range eulas {
		res.Eula = append(res.Eula, e.License)
	}
	if len(annotations) != 0 {
		res.Annotation = annotations[0].Annotation
	}
	for i, p := range products {
		if i == 0 {
			res.ProductInfo = &types.VAppProductInfo{
				Name: p.Product, Vendor: p.Vendor, Version: p.Version, FullVersion: p.FullVersion,
				ProductUrl: p.ProductURL, VendorUrl: p.VendorURL, AppUrl: p.AppURL,
			}
		}
		for _, prop := range p.Property {
			info := types.VAppPropertyInfo{Key: int32(len(res.Property)), Id: prop.Key, Type: prop.Type,
				UserConfigurable: prop.UserConfigurable}
			if p.Class != nil {
				info.ClassId = *p.Class
			}
			if p.Instance != nil {
				info.InstanceId = *p.Instance
			}
			if prop.Label != nil {
				info.Label = *prop.Label
			}
			if prop.Description != nil {
				info.Description = *prop.Description
			}
			if prop.Default != nil {
				info.DefaultValue = *prop.Default
			}
			res.Property = append(res.Property, info)
		}
	}
	if env.DeploymentOption != nil {
		for _, c := range env.DeploymentOption.Configuration {
			res.DeploymentOption = append(res.DeploymentOption, types.OvfDeploymentOption{Key: c.ID, Label: c.Label, Description: c.Description})
			if c.Default != nil && *c.Default && res.DefaultDeploymentOption == "" {
				res.DefaultDeploymentOption = c.ID
			}
		}
		if res.DefaultDeploymentOption == "" && len(res.DeploymentOption) != 0 {
			res.DefaultDeploymentOption = res.DeploymentOption[0].Key
		}
	}
	for _, f := range env.References {
		res.ApproximateDownloadSize += int64(f.Size)
	}
	if env.Disk != nil {
		for _, d := range env.Disk.Disks {
			d := d
			res.ApproximateFlatDeploymentSize += ovfCapacityBytes(&d)
			if d.PopulatedSize != nil {
				res.ApproximateSparseDeploymentSize += int64(*d.PopulatedSize)
			}
		}
	}
	res.VirtualApp = strings.Contains(req.OvfDescriptor, "VirtualSystemCollection")
	body.Res = &types.ParseDescriptorResponse{Returnval: res}
	return body
}

// ovfCapacityBytes reads ovf:capacity with its ovf:capacityAllocationUnits ("byte", "byte * 2^20", ...).
func ovfCapacityBytes(d *ovf.VirtualDiskDesc) int64 {
	n, _ := strconv.ParseInt(d.Capacity, 10, 64)
	if d.CapacityAllocationUnits == nil {
		return n
	}
	units := strings.ReplaceAll(*d.CapacityAllocationUnits, " ", "")
	if i := strings.Index(units, "*"); i >= 0 {
		power := strings.SplitN(units[i+1:], "^", 2)
		base, _ := strconv.ParseInt(power[0], 10, 64)
		exp := int64(1)
		if len(power) == 2 {
			exp, _ = strconv.ParseInt(power[1], 10, 64)
		}
		for ; exp > 0 && base > 1; exp-- {
			n *= base
		}
	}
	return n
}
