package main

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/vmware/govmomi/nfc"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/ovf"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// gxApplianceOVF is a small OVF with one disk, two networks and a product section.
const gxApplianceOVF = `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
  xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References>
    <File ovf:href="appliance-disk1.vmdk" ovf:id="file1" ovf:size="%d"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:capacity="8" ovf:capacityAllocationUnits="byte * 2^20" ovf:diskId="vmdisk1" ovf:fileRef="file1"
      ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized" ovf:populatedSize="4096"/>
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="Frontend"><Description>Public side</Description></Network>
    <Network ovf:name="Backend"><Description>Private side</Description></Network>
  </NetworkSection>
  <VirtualSystem ovf:id="appliance">
    <Info>A virtual machine</Info>
    <Name>appliance</Name>
    <ProductSection ovf:class="com.example">
      <Info>Product</Info>
      <Product>Example Appliance</Product>
      <Vendor>Example</Vendor>
      <Version>1.2</Version>
      <Property ovf:key="hostname" ovf:type="string" ovf:userConfigurable="true" ovf:value="app01">
        <Label>Host name</Label>
      </Property>
    </ProductSection>
    <OperatingSystemSection ovf:id="101" vmw:osType="otherLinux64Guest"><Info>OS</Info></OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>appliance</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>
      </System>
      <Item><rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits><rasd:ElementName>2 virtual CPU(s)</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>256MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>256</rasd:VirtualQuantity></Item>
      <Item><rasd:Address>0</rasd:Address><rasd:ElementName>SCSI controller 0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>Hard disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>7</rasd:AddressOnParent><rasd:Connection>Frontend</rasd:Connection>
        <rasd:ElementName>Network adapter 1</rasd:ElementName><rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
`

// gxImport deploys an OVF descriptor as entity, uploading data as its one disk, and returns the lease (not yet
// completed) and the new VM.
func (e *gxEnv) gxImport(descriptor, entity string, data []byte) (*nfc.Lease, *object.VirtualMachine) {
	e.t.Helper()
	pool, err := e.finder.ResourcePool(e.ctx, "DC0_H0/Resources")
	if err != nil {
		e.t.Fatal(err)
	}
	ds, err := e.finder.Datastore(e.ctx, "LocalDS_0")
	if err != nil {
		e.t.Fatal(err)
	}
	folder, err := e.finder.DefaultFolder(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	spec, err := ovf.NewManager(e.client.Client).CreateImportSpec(e.ctx, descriptor, pool, ds,
		types.OvfCreateImportSpecParams{EntityName: entity})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(spec.Error) != 0 {
		e.t.Fatalf("CreateImportSpec errors: %+v", spec.Error)
	}
	if len(spec.FileItem) != 1 {
		e.t.Fatalf("CreateImportSpec file items: %+v", spec.FileItem)
	}
	lease, err := pool.ImportVApp(e.ctx, spec.ImportSpec, folder, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	info, err := lease.Wait(e.ctx, spec.FileItem)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(info.Items) != 1 {
		e.t.Fatalf("lease items: %+v", info.Items)
	}
	if !strings.HasPrefix(info.DeviceUrl[0].Url, e.hosts().baseURL()+"/nfc/") || info.DeviceUrl[0].SslThumbprint != e.hosts().cert.sha1 {
		e.t.Fatalf("device URL %s", info.DeviceUrl[0].Url)
	}
	// The file items report progress to the lease updater, as in govc import.ovf.
	updater := lease.StartUpdater(e.ctx, info)
	defer updater.Done()
	if err := lease.Upload(e.ctx, info.Items[0], bytes.NewReader(data), soap.Upload{ContentLength: int64(len(data))}); err != nil {
		e.t.Fatal(err)
	}
	return lease, object.NewVirtualMachine(e.client.Client, info.Entity)
}

// gxDiskFile returns the datastore file backing the first disk of vm, on the simulator's host.
func gxDiskFile(t *testing.T, vm *object.VirtualMachine) string {
	t.Helper()
	sim, _, ok := gxVM(vm.Reference())
	if !ok {
		t.Fatalf("%s not found", vm.Reference())
	}
	for _, d := range sim.Config.Hardware.Device {
		if disk, ok := d.(*types.VirtualDisk); ok {
			host, ok := gxDatastoreFile(sim, disk.Backing.(types.BaseVirtualDeviceFileBackingInfo).GetVirtualDeviceFileBackingInfo().FileName)
			if !ok {
				t.Fatal("disk file not on a datastore")
			}
			return host
		}
	}
	t.Fatalf("%s has no disk", vm.Reference())
	return ""
}

func gxRandom(n int, seed int64) []byte {
	data := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(data)
	return data
}

func TestOvfImportStoresAndExportServesDiskBytes(t *testing.T) {
	env := gxStart(t, false)
	data := gxVmdk(t, gxDiskData(512*1024+512, 42))

	lease, vm := env.gxImport(fmt.Sprintf(gxApplianceOVF, len(data)), "appliance", data)
	if err := lease.Progress(env.ctx, 100); err != nil {
		t.Fatal(err)
	}
	manifest, err := methods.HttpNfcLeaseGetManifest(env.ctx, env.client.Client, &types.HttpNfcLeaseGetManifest{This: lease.Reference()})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(data)
	if len(manifest.Returnval) != 1 || manifest.Returnval[0].Sha1 != hex.EncodeToString(sum[:]) || !manifest.Returnval[0].Disk {
		t.Fatalf("import manifest %+v", manifest.Returnval)
	}
	if err := lease.Complete(env.ctx); err != nil {
		t.Fatal(err)
	}
	gxExpectFault(t, "complete twice", lease.Complete(env.ctx), &types.InvalidState{})

	// The uploaded bytes are the disk's datastore file.
	stored, err := os.ReadFile(gxDiskFile(t, vm))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored, data) {
		t.Fatalf("datastore file has %d bytes, uploaded %d (or contents differ)", len(stored), len(data))
	}

	// Export the imported VM (powered off) and download its disk.
	export, err := vm.Export(env.ctx)
	if err != nil {
		t.Fatal(err)
	}
	info, err := export.Wait(env.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.DeviceUrl) != 1 || info.Entity != vm.Reference() || info.TotalDiskCapacityInKB != 8*1024 {
		t.Fatalf("export lease info %+v", info.HttpNfcLeaseInfo)
	}
	dev := info.DeviceUrl[0]
	wantKey := fmt.Sprintf("/%s/VirtualLsiLogicController0:0", vm.Reference().Value)
	if dev.Key != wantKey || dev.TargetId != "disk-0.vmdk" || dev.Disk == nil || !*dev.Disk ||
		dev.SslThumbprint != env.hosts().cert.sha1 ||
		dev.Url != env.hosts().baseURL()+"/nfc/"+strings.ReplaceAll(strings.ReplaceAll(export.Reference().Value, "[", "%5B"), "]", "%5D")+"/disk-0.vmdk" {
		t.Fatalf("export device URL %+v", dev)
	}
	status, got := env.do(http.MethodGet, env.resolve(dev.Url), nil)
	if status != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("GET %s: %d, %d bytes", dev.Url, status, len(got))
	}
	// govmomi's download path works on the same lease.
	file := path.Join(t.TempDir(), "disk.vmdk")
	updater := export.StartUpdater(env.ctx, info)
	err = export.DownloadFile(env.ctx, file, info.Items[0], soap.DefaultDownload)
	updater.Done()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(file); !bytes.Equal(b, data) {
		t.Fatal("govmomi download differs")
	}
	manifest, err = methods.HttpNfcLeaseGetManifest(env.ctx, env.client.Client, &types.HttpNfcLeaseGetManifest{This: export.Reference()})
	if err != nil || len(manifest.Returnval) != 1 || manifest.Returnval[0].Key != wantKey ||
		manifest.Returnval[0].Sha1 != hex.EncodeToString(sum[:]) || manifest.Returnval[0].Capacity != 8<<20 {
		t.Fatalf("export manifest %+v, %v", manifest, err)
	}
	if status, _ := env.do(http.MethodPut, env.resolve(dev.Url), strings.NewReader("x")); status != http.StatusMethodNotAllowed {
		t.Fatalf("PUT on an export lease: %d", status)
	}
	gxExpectFault(t, "progress out of range", export.Progress(env.ctx, 101), &types.InvalidArgument{})
	if err := export.Complete(env.ctx); err != nil {
		t.Fatal(err)
	}
	if status, _ := env.do(http.MethodGet, env.resolve(dev.Url), nil); status != http.StatusNotFound {
		t.Fatalf("GET after complete: %d", status)
	}

	// A powered-on VM cannot be exported.
	_, err = env.vm("DC0_H0_VM0").Export(env.ctx)
	gxExpectFault(t, "export a powered-on VM", err, &types.InvalidPowerState{})
}

func TestOvfAbortedImportRemovesTheVM(t *testing.T) {
	env := gxStart(t, false)
	disk := gxVmdk(t, gxRandom(4096, 1))
	lease, vm := env.gxImport(fmt.Sprintf(gxApplianceOVF, len(disk)), "aborted", disk)
	if err := lease.Abort(env.ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := gxVM(vm.Reference()); ok {
		t.Fatal("the VM of an aborted import still exists")
	}
	var props mo.HttpNfcLease
	if err := property.DefaultCollector(env.client.Client).RetrieveOne(env.ctx, lease.Reference(), []string{"state", "error"}, &props); err != nil {
		t.Fatal(err)
	}
	if props.State != types.HttpNfcLeaseStateError || props.Error == nil {
		t.Fatalf("aborted lease: state %s error %+v", props.State, props.Error)
	}
}

func TestOvfCreateDescriptorDescribesTheVM(t *testing.T) {
	env := gxStart(t, false)
	vm := env.vm("DC0_H0_VM1")
	env.powerOff(vm)

	export, err := vm.Export(env.ctx)
	if err != nil {
		t.Fatal(err)
	}
	info, err := export.Wait(env.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Items) != 1 {
		t.Fatalf("export items %+v", info.Items)
	}
	item := info.Items[0]
	res, err := ovf.NewManager(env.client.Client).CreateDescriptor(env.ctx, vm, types.OvfCreateDescriptorParams{
		Name:     "exported",
		OvfFiles: []types.OvfFile{{DeviceId: item.DeviceId, Path: "exported-disk-0.vmdk", Size: 1234}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Error) != 0 || len(res.Warning) != 0 {
		t.Fatalf("errors %+v warnings %+v", res.Error, res.Warning)
	}
	if err := export.Complete(env.ctx); err != nil {
		t.Fatal(err)
	}
	desc := res.OvfDescriptor

	// Well-formed XML in the OVF 1.x envelope namespace.
	dec := xml.NewDecoder(strings.NewReader(desc))
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("descriptor is not well-formed: %v\n%s", err, desc)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Space + " " + se.Name.Local
		}
	}
	if root != "http://schemas.dmtf.org/ovf/envelope/1 Envelope" {
		t.Fatalf("root element %q", root)
	}

	env2, err := ovf.Unmarshal(strings.NewReader(desc))
	if err != nil {
		t.Fatal(err)
	}
	sim, _, _ := gxVM(vm.Reference())
	if env2.VirtualSystem == nil || env2.VirtualSystem.ID != "exported" || len(env2.References) != 1 ||
		env2.References[0].Href != "exported-disk-0.vmdk" || env2.References[0].Size != 1234 {
		t.Fatalf("references/system: %+v %+v", env2.References, env2.VirtualSystem)
	}
	if env2.Disk == nil || len(env2.Disk.Disks) != 1 || env2.Disk.Disks[0].Capacity != fmt.Sprint(1024*1024) ||
		env2.Disk.Disks[0].FileRef == nil || *env2.Disk.Disks[0].FileRef != env2.References[0].ID {
		t.Fatalf("disk section %+v", env2.Disk)
	}
	if env2.Network == nil || len(env2.Network.Networks) != 1 || env2.Network.Networks[0].Name != "DC0_DVPG0" {
		t.Fatalf("network section %+v", env2.Network)
	}
	var cpus, memory int64
	var nic, disk bool
	for _, it := range env2.VirtualSystem.VirtualHardware[0].Item {
		switch *it.ResourceType {
		case 3:
			cpus = int64(*it.VirtualQuantity)
		case 4:
			memory = int64(*it.VirtualQuantity)
		case 10:
			nic = len(it.Connection) == 1 && it.Connection[0] == "DC0_DVPG0"
		case 17:
			disk = len(it.HostResource) == 1 && it.HostResource[0] == "ovf:/disk/vmdisk1"
		}
	}
	if cpus != int64(sim.Config.Hardware.NumCPU) || memory != int64(sim.Config.Hardware.MemoryMB) || !nic || !disk {
		t.Fatalf("hardware: cpus %d memory %d nic %v disk %v\n%s", cpus, memory, nic, disk, desc)
	}

	// The descriptor deploys again (the CD-ROM on the SCSI controller is moved to IDE for the stock importer).
	data := gxVmdk(t, gxRandom(1536, 7))
	lease, clone := env.gxImport(desc, "redeployed", data)
	if err := lease.Complete(env.ctx); err != nil {
		t.Fatal(err)
	}
	if stored, err := os.ReadFile(gxDiskFile(t, clone)); err != nil || !bytes.Equal(stored, data) {
		t.Fatalf("redeployed disk: %d bytes, %v", len(stored), err)
	}

	// An ovfFiles entry that matches no disk is reported.
	res, err = ovf.NewManager(env.client.Client).CreateDescriptor(env.ctx, vm, types.OvfCreateDescriptorParams{
		OvfFiles: []types.OvfFile{{DeviceId: "/vm-0/nothing:0", Path: "x.vmdk"}},
	})
	if err != nil || len(res.Warning) != 1 || strings.Contains(res.OvfDescriptor, "x.vmdk") {
		t.Fatalf("unmatched ovfFiles: %+v, %v", res, err)
	}
	_, err = ovf.NewManager(env.client.Client).CreateDescriptor(env.ctx, object.NewReference(env.client.Client,
		simulator.Map.Any("HostSystem").Reference()), types.OvfCreateDescriptorParams{})
	gxExpectFault(t, "descriptor of a host", err, &types.NotSupported{})
}

func TestOvfParseDescriptorListsNetworks(t *testing.T) {
	env := gxStart(t, false)
	m := ovf.NewManager(env.client.Client)
	res, err := methods.ParseDescriptor(env.ctx, env.client.Client, &types.ParseDescriptor{
		This:          m.Reference(),
		OvfDescriptor: fmt.Sprintf(gxApplianceOVF, 4096),
		Pdp:           types.OvfParseDescriptorParams{OvfManagerCommonParams: types.OvfManagerCommonParams{Locale: "en"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Returnval
	if len(r.Network) != 2 || r.Network[0] != (types.OvfNetworkInfo{Name: "Frontend", Description: "Public side"}) ||
		r.Network[1].Name != "Backend" {
		t.Fatalf("networks %+v", r.Network)
	}
	if r.DefaultEntityName != "appliance" || r.ProductInfo == nil || r.ProductInfo.Name != "Example Appliance" ||
		len(r.Property) != 1 || r.Property[0].Id != "hostname" || r.Property[0].DefaultValue != "app01" ||
		r.ApproximateDownloadSize != 4096 || r.ApproximateFlatDeploymentSize != 8<<20 {
		t.Fatalf("parse result %+v", r)
	}
	_, err = methods.ParseDescriptor(env.ctx, env.client.Client, &types.ParseDescriptor{This: m.Reference(), OvfDescriptor: "<Envelope"})
	gxExpectFault(t, "invalid descriptor", err, &types.InvalidArgument{})
}

func TestOvfCreateImportSpecCarriesExtraConfig(t *testing.T) {
	env := gxStart(t, false)
	data := gxVmdk(t, gxRandom(4096, 7))
	descriptor := strings.Replace(fmt.Sprintf(gxApplianceOVF, len(data)), "    </VirtualHardwareSection>",
		`      <vmw:ExtraConfig ovf:required="false" vmw:key="guestinfo.appliance.role" vmw:value="frontend"/>
      <vmw:ExtraConfig ovf:required="false" vmw:key="disk.EnableUUID" vmw:value="TRUE"/>
    </VirtualHardwareSection>`, 1)

	// govmomi writes the values back typed (xsd:string), which the strict decoder accepts.
	lease, vm := env.gxImport(descriptor, "with-extra-config", data)
	if err := lease.Complete(env.ctx); err != nil {
		t.Fatal(err)
	}
	var props mo.VirtualMachine
	if err := vm.Properties(env.ctx, vm.Reference(), []string{"config.extraConfig"}, &props); err != nil {
		t.Fatal(err)
	}
	got := map[string]interface{}{}
	for _, o := range props.Config.ExtraConfig {
		got[o.GetOptionValue().Key] = o.GetOptionValue().Value
	}
	if got["guestinfo.appliance.role"] != "frontend" || got["disk.EnableUUID"] != "TRUE" {
		t.Fatalf("extraConfig %v", got)
	}
}
