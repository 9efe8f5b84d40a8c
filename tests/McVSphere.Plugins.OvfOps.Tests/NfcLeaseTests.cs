using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>The client library's NfcLease: it keeps the lease alive with progress reports, and aborts what it did not complete.</summary>
public sealed class NfcLeaseTests(OvfOpsFixture fixture) : IClassFixture<OvfOpsFixture>
{
    [Fact]
    public async Task Keeps_the_lease_alive_with_the_last_progress_and_aborts_it_when_disposed_unfinished()
    {
        var name = fixture.UniqueName("lease");
        await fixture.DeployAsync(name, new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 113)));
        var vm = await fixture.VSphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, name);
        var client = fixture.VSphere;

        var lease = await NfcLease.AcquireAsync(client, await client.ExportVmAsync(vm.Ref), keepAliveInterval: TimeSpan.FromMilliseconds(100));
        await using (lease)
        {
            lease.SetProgress(42);
            var reported = await client.WaitForPropertyAsync(lease.Ref, "transferProgress", value => value?.AsInt32() == 42, TimeSpan.FromSeconds(5));
            Assert.True(reported.Matched, "the keep-alive did not report the progress");
            Assert.Equal($"/{vm.Ref.Value}/VirtualLsiLogicController0:0", Assert.Single(lease.Info.DeviceUrls).Key);
        }

        var ended = await client.Properties.RetrieveAsync(lease.Ref, ["state", "error"]);
        Assert.Equal("error", ended.GetString("state"));
        Assert.Equal("The transfer did not finish.", ended.GetString("error.localizedMessage"));
    }
}
