using System.Text;
using System.Xml;
using System.Xml.Linq;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tests.Unit;

/// <summary>Typed records are written in schema order, with xsi:type where a field's declared type is a base type.</summary>
public sealed class SerializationTests
{
    private static readonly XNamespace Vim = "urn:vim25";
    private static readonly XName XsiType = XName.Get("type", "http://www.w3.org/2001/XMLSchema-instance");
    private static readonly ManagedObjectReference Vm = new("VirtualMachine", "vm-42");
    private static readonly ManagedObjectReference Datastore = new("Datastore", "datastore-11");

    [Fact]
    public void A_reconfiguration_is_written_in_schema_order_with_subtypes_marked()
    {
        var spec = new VirtualMachineConfigSpec
        {
            Name = "web-01",
            NumCPUs = 4,
            MemoryMB = 8192,
            DeviceChange =
            [
                VirtualDeviceConfigSpec.Add(new VirtualDisk
                {
                    Key = -1,
                    ControllerKey = 1000,
                    UnitNumber = 1,
                    CapacityInKB = 1048576,
                    Backing = new VirtualDiskFlatVer2BackingInfo { FileName = "[ds1]", Datastore = Datastore, ThinProvisioned = true },
                }, VirtualDeviceConfigSpecFileOperation.Create),
                VirtualDeviceConfigSpec.Add(new VirtualVmxnet3
                {
                    Key = -2,
                    Backing = new VirtualEthernetCardDistributedVirtualPortBackingInfo
                    {
                        Port = new DistributedVirtualSwitchPortConnection { SwitchUuid = "50 2a", PortgroupKey = "dvportgroup-13" },
                    },
                    Connectable = new VirtualDeviceConnectInfo { StartConnected = true, Connected = true },
                }),
            ],
            ExtraConfig = [new OptionValue("guestinfo.role", "web")],
        };

        var body = Body("ReconfigVM_Task", Vm, [new VimArgument("spec", spec)]);

        var specElement = body.Element(Vim + "spec")!;
        Assert.Equal("VirtualMachineConfigSpec", (string?)specElement.Attribute(XsiType));
        Assert.Equal(["name", "numCPUs", "memoryMB", "deviceChange", "deviceChange", "extraConfig"], specElement.Elements().Select(e => e.Name.LocalName));
        var disk = specElement.Elements(Vim + "deviceChange").First();
        Assert.Null(disk.Attribute(XsiType));
        Assert.Equal(["operation", "fileOperation", "device"], disk.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("add", disk.Element(Vim + "operation")!.Value);
        Assert.Equal("create", disk.Element(Vim + "fileOperation")!.Value);
        var device = disk.Element(Vim + "device")!;
        Assert.Equal("VirtualDisk", (string?)device.Attribute(XsiType));
        Assert.Equal(["key", "backing", "controllerKey", "unitNumber", "capacityInKB"], device.Elements().Select(e => e.Name.LocalName));
        var backing = device.Element(Vim + "backing")!;
        Assert.Equal("VirtualDiskFlatVer2BackingInfo", (string?)backing.Attribute(XsiType));
        Assert.Equal(["fileName", "datastore", "diskMode", "thinProvisioned"], backing.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("Datastore", (string?)backing.Element(Vim + "datastore")!.Attribute("type"));
        var nic = specElement.Elements(Vim + "deviceChange").Last().Element(Vim + "device")!;
        Assert.Equal("VirtualVmxnet3", (string?)nic.Attribute(XsiType));
        Assert.Equal("VirtualEthernetCardDistributedVirtualPortBackingInfo", (string?)nic.Element(Vim + "backing")!.Attribute(XsiType));
        Assert.Null(nic.Element(Vim + "backing")!.Element(Vim + "port")!.Attribute(XsiType));
        var option = specElement.Element(Vim + "extraConfig")!;
        Assert.Equal("xsd:string", (string?)option.Element(Vim + "value")!.Attribute(XsiType));
    }

    [Fact]
    public void Guest_credentials_are_marked_with_their_subtype_and_never_printed()
    {
        var auth = new NamePasswordAuthentication { Username = "root", Password = "hunter2" };
        var spec = new GuestWindowsProgramSpec { ProgramPath = @"C:\Windows\System32\cmd.exe", Arguments = "/c dir", StartMinimized = true };

        var body = Body("StartProgramInGuest", new ManagedObjectReference("GuestProcessManager", "pm"),
            [new VimArgument("vm", Vm), new VimArgument("auth", auth), new VimArgument("spec", spec)]);

        Assert.Equal(["_this", "vm", "auth", "spec"], body.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("NamePasswordAuthentication", (string?)body.Element(Vim + "auth")!.Attribute(XsiType));
        Assert.Equal(["interactiveSession", "username", "password"], body.Element(Vim + "auth")!.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("GuestWindowsProgramSpec", (string?)body.Element(Vim + "spec")!.Attribute(XsiType));
        Assert.DoesNotContain("hunter2", auth.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", new VimArgument("auth", auth).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Traversal_specs_in_a_selection_list_are_marked()
    {
        var spec = new PropertyFilterSpec
        {
            PropSet = [new PropertySpec { Type = "VirtualMachine", PathSet = ["name"] }],
            ObjectSet = [new ObjectSpec { Obj = new ManagedObjectReference("ContainerView", "v"), Skip = true, SelectSet = [new TraversalSpec { Name = "view", Type = "ContainerView", Path = "view" }] }],
        };

        var body = Body("RetrievePropertiesEx", new ManagedObjectReference("PropertyCollector", "propertyCollector"), [new VimArgument("specSet", spec)]);

        var selection = body.Descendants(Vim + "selectSet").Single();
        Assert.Equal("TraversalSpec", (string?)selection.Attribute(XsiType));
        Assert.Equal(["name", "type", "path"], selection.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public async Task A_device_of_an_unmodelled_type_is_written_back_as_read()
    {
        const string xml =
            "<VirtualDevice xmlns=\"urn:vim25\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"VirtualMachineVMCIDevice\"><key>12000</key>" +
            "<deviceInfo xsi:type=\"Description\"><label>VMCI device</label><summary>VMCI</summary></deviceInfo>" +
            "<slotInfo xsi:type=\"VirtualDevicePciBusSlotInfo\"><pciSlotNumber>33</pciSlotNumber></slotInfo><controllerKey>100</controllerKey>" +
            "<unitNumber>17</unitNumber><id>-1</id><allowUnrestrictedCommunication>false</allowUnrestrictedCommunication>" +
            "<filterInfo><filters><action>allow</action></filters><filters><action>deny</action></filters></filterInfo><filterEnable>true</filterEnable></VirtualDevice>";
        var device = VirtualDevice.From((await ReadValueAsync(xml)).AsObject());

        var edited = Assert.IsType<OtherVirtualDevice>(device) with { UnitNumber = 18 };
        var body = Body("ReconfigVM_Task", Vm, [new VimArgument("spec", new VirtualMachineConfigSpec { DeviceChange = [VirtualDeviceConfigSpec.Edit(edited)] })]);

        var written = body.Descendants(Vim + "device").First(e => e.Attribute(XsiType) is not null);
        Assert.Equal("VirtualMachineVMCIDevice", (string?)written.Attribute(XsiType));
        Assert.Equal(["key", "deviceInfo", "slotInfo", "controllerKey", "unitNumber", "id", "allowUnrestrictedCommunication", "filterInfo", "filterEnable"],
            written.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("18", written.Element(Vim + "unitNumber")!.Value);
        Assert.Equal("VirtualDevicePciBusSlotInfo", (string?)written.Element(Vim + "slotInfo")!.Attribute(XsiType));
        Assert.Equal(["allow", "deny"], written.Element(Vim + "filterInfo")!.Elements(Vim + "filters").Select(e => e.Value));
    }

    [Fact]
    public async Task Values_are_read_by_namespace_with_arrays_and_repeated_fields()
    {
        const string xml =
            "<val xmlns=\"urn:vim25\" xmlns:XMLSchema-instance=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:x=\"http://www.w3.org/2001/XMLSchema\" " +
            "XMLSchema-instance:type=\"ArrayOfVirtualDevice\">" +
            "<VirtualDevice XMLSchema-instance:type=\"VirtualDisk\"><key>2000</key><backing XMLSchema-instance:type=\"VirtualDiskFlatVer2BackingInfo\">" +
            "<fileName>[ds1] web/web.vmdk</fileName><datastore type=\"Datastore\">datastore-11</datastore><diskMode>persistent</diskMode>" +
            "<thinProvisioned>true</thinProvisioned></backing><controllerKey>1000</controllerKey><unitNumber>0</unitNumber><capacityInKB>16777216</capacityInKB>" +
            "<capacityInBytes>17179869184</capacityInBytes></VirtualDevice>" +
            "<VirtualDevice XMLSchema-instance:type=\"VirtualE1000e\"><key>4000</key><deviceInfo><label>Network adapter 1</label><summary>VM Network</summary></deviceInfo>" +
            "<backing XMLSchema-instance:type=\"VirtualEthernetCardNetworkBackingInfo\"><deviceName>VM Network</deviceName><network type=\"Network\">network-7</network></backing>" +
            "<connectable><startConnected>true</startConnected><allowGuestControl>true</allowGuestControl><connected>false</connected></connectable>" +
            "<addressType>generated</addressType><macAddress>00:50:56:aa:bb:cc</macAddress></VirtualDevice>" +
            "<VirtualDevice XMLSchema-instance:type=\"VirtualCdrom\"><key>3000</key><backing XMLSchema-instance:type=\"VirtualCdromIsoBackingInfo\">" +
            "<fileName>[ds1] iso/ubuntu.iso</fileName></backing></VirtualDevice></val>";

        var devices = VirtualDevice.ListFrom(await ReadValueAsync(xml));

        var disk = Assert.IsType<VirtualDisk>(devices[0]);
        Assert.Equal(17179869184, disk.CapacityInBytes);
        Assert.Equal("[ds1] web/web.vmdk", disk.FlatBacking?.FileName);
        Assert.Equal(new ManagedObjectReference("Datastore", "datastore-11"), disk.FlatBacking?.Datastore);
        Assert.True(disk.FlatBacking?.ThinProvisioned);
        var nic = Assert.IsType<VirtualE1000e>(devices[1]);
        Assert.Equal("00:50:56:aa:bb:cc", nic.MacAddress);
        Assert.Equal("Network adapter 1", nic.DeviceInfo?.Label);
        Assert.Equal(new ManagedObjectReference("Network", "network-7"), Assert.IsType<VirtualEthernetCardNetworkBackingInfo>(nic.Backing).Network);
        Assert.False(nic.Connectable?.Connected);
        Assert.Equal("[ds1] iso/ubuntu.iso", Assert.IsType<VirtualCdromIsoBackingInfo>(devices[2].Backing).FileName);
    }

    [Theory]
    [InlineData("<val xmlns:a=\"http://www.w3.org/2001/XMLSchema-instance\" a:type=\"xsd:long\">17179869184</val>", "long")]
    [InlineData("<val xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xsd:dateTime\">2026-11-24T03:43:21.226384358Z</val>", "dateTime")]
    [InlineData("<val xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"ArrayOfString\"><string>a</string><string>b</string></val>", "ArrayOfString")]
    [InlineData("<val xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"TaskReasonUser\"></val>", "TaskReasonUser")]
    [InlineData("<val type=\"HostSystem\">host-21</val>", "ManagedObjectReference")]
    public async Task Declared_types_are_kept_whatever_the_prefix(string xml, string type)
    {
        var value = await ReadValueAsync(xml);

        Assert.Equal(type, value.TypeName);
        switch (type)
        {
            case "long":
                Assert.Equal(17179869184, value.AsInt64());
                break;
            case "dateTime":
                Assert.Equal(new DateTimeOffset(2026, 11, 24, 3, 43, 21, TimeSpan.Zero), value.AsDateTime().AddTicks(-value.AsDateTime().Ticks % TimeSpan.TicksPerSecond));
                break;
            case "ArrayOfString":
                Assert.Equal(["a", "b"], value.AsStrings());
                break;
            case "TaskReasonUser":
                Assert.Empty(value.AsObject().Fields);
                break;
            default:
                Assert.Equal(new ManagedObjectReference("HostSystem", "host-21"), value.AsReference());
                break;
        }
    }

    [Fact]
    public async Task Values_read_from_anyType_fields_are_written_back_with_their_type()
    {
        // An import spec as CreateImportSpec returns it (a vmw:ExtraConfig entry, a number, a reference), with the XML
        // Schema namespace under another prefix than the one requests declare.
        var spec = await ReadValueAsync("""
            <returnval xmlns="urn:vim25" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:s="http://www.w3.org/2001/XMLSchema"
                xsi:type="VirtualMachineImportSpec">
              <configSpec><name>app</name>
                <extraConfig><key>guestinfo.role</key><value xsi:type="s:string">web</value></extraConfig>
                <extraConfig><key>n</key><value xsi:type="s:int">3</value></extraConfig>
                <extraConfig><key>empty</key><value xsi:type="s:string"/></extraConfig>
                <extraConfig><key>host</key><value xsi:type="ManagedObjectReference" type="HostSystem">host-7</value></extraConfig>
                <cpuAllocation><reservation>0</reservation></cpuAllocation>
              </configSpec>
            </returnval>
            """);

        var body = Body("ImportVApp", new ManagedObjectReference("ResourcePool", "resgroup-9"), [new VimArgument("spec", spec)]);

        var options = body.Element(Vim + "spec")!.Element(Vim + "configSpec")!.Elements(Vim + "extraConfig").ToArray();
        Assert.Equal(["xsd:string", "xsd:int", "xsd:string", "ManagedObjectReference"],
            options.Select(option => (string?)option.Element(Vim + "value")!.Attribute(XsiType)));
        Assert.Equal("web", options[0].Element(Vim + "value")!.Value);
        Assert.Equal("HostSystem", (string?)options[3].Element(Vim + "value")!.Attribute("type"));
        // Fields of declared types stay untyped, as read.
        Assert.Null(body.Descendants(Vim + "reservation").Single().Attribute(XsiType));
        Assert.Null(body.Descendants(Vim + "name").Single().Attribute(XsiType));
        Assert.Equal(new ManagedObjectReference("HostSystem", "host-7"), spec.AsObject()["configSpec.extraConfig"]!.AsArray()[3].AsObject()["value"]);
    }

    private static XElement Body(string method, ManagedObjectReference target, IEnumerable<VimArgument> arguments)
    {
        var envelope = XDocument.Parse(Encoding.UTF8.GetString(SoapRequest.Write(method, target, arguments)));
        return envelope.Descendants(Vim + method).Single();
    }

    private static async Task<VimValue> ReadValueAsync(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { Async = true });
        await reader.MoveToContentAsync();
        return await VimValueReader.ReadAsync(reader);
    }
}
