using System.Net;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tests.Unit;

/// <summary>SOAP faults and task errors become <see cref="VimFaultException"/>s that keep the vSphere fault type, message and fields.</summary>
public sealed class FaultParsingTests
{
    private static readonly ManagedObjectReference Vm = new("VirtualMachine", "vm-42");

    [Theory]
    [InlineData("xsi", "http://www.w3.org/2001/XMLSchema-instance")]
    [InlineData("XMLSchema-instance", "http://www.w3.org/2001/XMLSchema-instance")]
    [InlineData("q1", "http://www.w3.org/2001/XMLSchema-instance")]
    public async Task The_fault_type_is_read_by_namespace_whatever_the_prefix(string prefix, string ns)
    {
        var server = new FakeVimServer().Reply("PowerOnVM_Task", FakeVimServer.Fault("Permission to perform this operation was denied.",
            $"<NoPermissionFault xmlns=\"urn:vim25\" xmlns:{prefix}=\"{ns}\" {prefix}:type=\"NoPermission\">" +
            "<object type=\"VirtualMachine\">vm-42</object><privilegeId>VirtualMachine.Interact.PowerOn</privilegeId></NoPermissionFault>"));
        await using var client = server.CreateClient();

        var fault = await Assert.ThrowsAsync<VimFaultException>(() => client.InvokeAsync("PowerOnVM_Task", Vm));

        Assert.Equal(VimFaultTypes.NoPermission, fault.FaultType);
        Assert.Equal("VirtualMachine.Interact.PowerOn", fault.PrivilegeId);
        Assert.Equal("VirtualMachine:vm-42", fault.Details["object"]);
        Assert.Equal("NoPermission: Permission to perform this operation was denied.", fault.Message);
    }

    [Fact]
    public async Task Empty_fault_strings_are_replaced_by_a_sentence_from_the_fields()
    {
        var server = new FakeVimServer()
            .Reply("CreateFolder", FakeVimServer.Fault("", "<DuplicateNameFault xmlns=\"urn:vim25\" xsi:type=\"DuplicateName\"><name>Lab</name><object type=\"Folder\">group-v3</object></DuplicateNameFault>"))
            .Reply("ReconfigVM_Task", FakeVimServer.Fault("", "<InvalidArgumentFault xmlns=\"urn:vim25\" xsi:type=\"InvalidArgument\"><invalidProperty>spec.memoryMB</invalidProperty></InvalidArgumentFault>"))
            .Reply("Destroy_Task", FakeVimServer.Fault("", "<NoPermissionFault xmlns=\"urn:vim25\" xsi:type=\"NoPermission\"><object type=\"VirtualMachine\">vm-42</object><privilegeId>VirtualMachine.Inventory.Delete</privilegeId></NoPermissionFault>"));
        await using var client = server.CreateClient();

        var duplicate = await Assert.ThrowsAsync<VimFaultException>(() => client.InvokeAsync("CreateFolder", Vm));
        var invalid = await Assert.ThrowsAsync<VimFaultException>(() => client.InvokeAsync("ReconfigVM_Task", Vm));
        var denied = await Assert.ThrowsAsync<VimFaultException>(() => client.InvokeAsync("Destroy_Task", Vm));

        Assert.Equal("DuplicateName: The name 'Lab' is already in use on Folder:group-v3.", duplicate.Message);
        Assert.Equal("spec.memoryMB", invalid.InvalidProperty);
        Assert.Equal("InvalidArgument: An argument is invalid: spec.memoryMB.", invalid.Message);
        Assert.Equal("NoPermission: Permission denied: the privilege VirtualMachine.Inventory.Delete is required on VirtualMachine:vm-42.", denied.Message);
    }

    [Theory]
    [InlineData("MethodNotFound", "<receiver type=\"HostSystem\">host-1</receiver><method>RebootHost_Task</method>", "not supported by this server")]
    [InlineData("ManagedObjectNotFound", "<obj type=\"HostServiceSystem\">serviceSystem</obj>", "does not exist on this server")]
    [InlineData("InvalidLogin", "", "user name or password is incorrect")]
    [InlineData("GuestOperationsUnavailable", "", "VMware Tools")]
    [InlineData("InvalidGuestLogin", "", "guest operating system rejected")]
    [InlineData("TaskInProgress", "<task type=\"Task\">task-9</task>", "Another task")]
    [InlineData("FileNotFound", "<file>[ds] a.iso</file>", "[ds] a.iso")]
    [InlineData("InvalidState", "", "current state")]
    [InlineData("NotFound", "", "not found")]
    public async Task Each_common_fault_has_an_actionable_message(string type, string fields, string expected)
    {
        var server = new FakeVimServer().Reply("Anything", FakeVimServer.Fault("", $"<{type}Fault xmlns=\"urn:vim25\" xsi:type=\"{type}\">{fields}</{type}Fault>"));
        await using var client = server.CreateClient();

        var fault = await Assert.ThrowsAsync<VimFaultException>(() => client.InvokeAsync("Anything", Vm));

        Assert.Equal(type, fault.FaultType);
        Assert.StartsWith(type + ": ", fault.Message, StringComparison.Ordinal);
        Assert.Contains(expected, fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dropped_connection_becomes_a_connection_error()
    {
        var server = new FakeVimServer().Reply("ReconfigVM_Task",
            _ => Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.", new IOException("reset"))));
        await using var client = server.CreateClient();

        var error = await Assert.ThrowsAsync<VSphereConnectionException>(() => client.InvokeAsync("ReconfigVM_Task", Vm));

        Assert.Contains("closed during ReconfigVM_Task without a complete response", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_that_is_not_SOAP_says_so()
    {
        var handler = new StaticResponse(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("<html>Not Found</html>", null, "text/html") });
        await using var client = new VSphereClient(new VSphereConnectionOptions { Server = "vcenter.test", User = "u", Password = "p" }, null, handler);

        var error = await Assert.ThrowsAsync<VSphereConnectionException>(() => client.ConnectAsync());

        Assert.Contains("HTTP 404", error.Message, StringComparison.Ordinal);
        Assert.Contains("vSphere SDK endpoint", error.Message, StringComparison.Ordinal);
    }

    private sealed class StaticResponse(HttpResponseMessage response) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(response);
    }
}
