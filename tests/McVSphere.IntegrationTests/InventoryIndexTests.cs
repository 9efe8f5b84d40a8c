using System.Text.Json;
using McVSphere.Testing;

namespace McVSphere.IntegrationTests;

/// <summary>The host's live inventory index (MCVSPHERE_INVENTORY_INDEX) as tools see it.</summary>
public sealed class InventoryIndexTests
{
    [Fact]
    public async Task get_vm_info_from_the_index_answers_as_from_a_bulk_read_with_one_property_read()
    {
        await using var simulator = await SimulatorProcess.StartAsync();
        await using var indexed = await HostProcess.StartHttpAsync(new Dictionary<string, string?>(simulator.HostEnvironment) { ["MCVSPHERE_INVENTORY_INDEX"] = "true" });
        await using var plain = await HostProcess.StartHttpAsync(new Dictionary<string, string?>(simulator.HostEnvironment) { ["MCVSPHERE_INVENTORY_INDEX"] = "false" });
        await using var indexedClient = await indexed.ConnectAsync();
        await using var plainClient = await plain.ConnectAsync();
        await indexedClient.CallJsonAsync("get_vm_info", new { name = "DC0_H0_VM0" }); // the first lookup starts the index
        await indexed.WaitForLogAsync(line => line.Contains("Inventory index filled", StringComparison.Ordinal), "the inventory index filled");

        // An event filter names its entity by name (any kind): resolved from the index too.
        var eventsBefore = await PropertyReadsAsync(simulator);
        await indexedClient.CallJsonAsync("list_recent_events", new { entity_name = "DC0_C0_RP0_VM1" });
        Assert.Equal(0, await PropertyReadsAsync(simulator) - eventsBefore);

        foreach (var vm in new[] { "DC0_H0_VM0", "DC0_C0_RP0_VM1" })
        {
            var expected = await plainClient.CallJsonAsync("get_vm_info", new { name = vm });
            var before = await PropertyReadsAsync(simulator);
            var actual = await indexedClient.CallJsonAsync("get_vm_info", new { name = vm });
            var reads = await PropertyReadsAsync(simulator) - before;

            Assert.True(JsonElement.DeepEquals(expected, actual), $"from the index: {actual}\nfrom a bulk read: {expected}");
            Assert.Equal(1, reads);
        }
    }

    [Fact]
    public async Task list_vms_from_the_index_answers_as_from_a_bulk_read_without_a_read_and_shows_a_change_made_elsewhere()
    {
        await using var simulator = await SimulatorProcess.StartAsync();
        await using var indexed = await HostProcess.StartHttpAsync(new Dictionary<string, string?>(simulator.HostEnvironment) { ["MCVSPHERE_INVENTORY_INDEX"] = "true" });
        await using var plain = await HostProcess.StartHttpAsync(new Dictionary<string, string?>(simulator.HostEnvironment) { ["MCVSPHERE_INVENTORY_INDEX"] = "false" });
        await using var indexedClient = await indexed.ConnectAsync();
        await using var plainClient = await plain.ConnectAsync();
        await indexedClient.CallJsonAsync("list_vms");
        await indexed.WaitForLogAsync(line => line.Contains("Inventory index filled", StringComparison.Ordinal), "the inventory index filled");

        var expected = await plainClient.CallJsonAsync("list_vms");
        var before = await PropertyReadsAsync(simulator);
        var actual = await indexedClient.CallJsonAsync("list_vms");
        var reads = await PropertyReadsAsync(simulator) - before;

        Assert.True(JsonElement.DeepEquals(expected, actual), $"from the index: {actual}\nfrom a bulk read: {expected}");
        Assert.Equal(0, reads);

        // Powered off by another client: the listing shows it once vCenter has told the index (within a second or so).
        await plainClient.CallJsonAsync("power_off", new { name = "DC0_H0_VM0" });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? state;
        do
        {
            var listed = await indexedClient.CallJsonAsync("list_vms", new { name_pattern = "DC0_H0_VM0" });
            state = listed.GetProperty("items")[0].GetProperty("power_state").GetString();
        }
        while (state != "poweredOff" && DateTime.UtcNow < deadline);
        Assert.Equal("poweredOff", state);
    }

    [Fact]
    public async Task Objects_created_deleted_and_renamed_elsewhere_are_seen_as_vCenter_has_them_before_the_index_hears()
    {
        // vCenter promises no time within which a change reaches a waiting client: here it takes ten minutes.
        await using var simulator = await SimulatorProcess.StartAsync("-wait-update-delay", "10m");
        await using var indexed = await HostProcess.StartHttpAsync(new Dictionary<string, string?>(simulator.HostEnvironment) { ["MCVSPHERE_INVENTORY_INDEX"] = "true" });
        await using var other = await HostProcess.StartHttpAsync(new Dictionary<string, string?>(simulator.HostEnvironment) { ["MCVSPHERE_INVENTORY_INDEX"] = "false" });
        await using var indexedClient = await indexed.ConnectAsync();
        await using var otherClient = await other.ConnectAsync();
        await indexedClient.CallJsonAsync("get_vm_info", new { name = "DC0_H0_VM0" });
        await indexed.WaitForLogAsync(line => line.Contains("Inventory index filled", StringComparison.Ordinal), "the inventory index filled");

        await otherClient.CallJsonAsync("clone_vm", new { template_name = "DC0_H0_VM1", new_name = "made-elsewhere" });

        // Neither a VM lookup nor an event filter (any kind of object) reports it missing: a miss is asked of vCenter.
        var info = await indexedClient.CallJsonAsync("get_vm_info", new { name = "made-elsewhere" });
        Assert.Equal("made-elsewhere", info.GetProperty("name").GetString());
        var events = await indexedClient.CallJsonAsync("list_recent_events", new { entity_name = "made-elsewhere", max_count = 100 });
        Assert.Contains(events.GetProperty("events").EnumerateArray(), item => item.GetProperty("message").GetString()!.Contains("made-elsewhere", StringComparison.Ordinal));

        // Deleted elsewhere while the index still holds it (it was there when the index was filled): vCenter's answer counts.
        await otherClient.CallJsonAsync("power_off", new { name = "DC0_C0_RP0_VM1" });
        await otherClient.CallJsonAsync("delete_vm", new { name = "DC0_C0_RP0_VM1", confirm = true });
        var gone = await indexedClient.CallErrorAsync("get_vm_info", new { name = "DC0_C0_RP0_VM1" });
        Assert.Contains("No virtual machine named 'DC0_C0_RP0_VM1'", gone, StringComparison.Ordinal);

        // Renamed elsewhere: found under its new name, and its old name is no longer an answer.
        await otherClient.CallJsonAsync("rename_vm", new { name = "DC0_H0_VM0", new_name = "renamed-elsewhere" });
        Assert.Equal("renamed-elsewhere", (await indexedClient.CallJsonAsync("get_vm_info", new { name = "renamed-elsewhere" })).GetProperty("name").GetString());
        var oldName = await indexedClient.CallErrorAsync("get_vm_info", new { name = "DC0_H0_VM0" });
        Assert.Contains("No virtual machine named 'DC0_H0_VM0'", oldName, StringComparison.Ordinal);
    }

    private static async Task<int> PropertyReadsAsync(SimulatorProcess simulator) =>
        (await RawVimSession.PagingStatsAsync(simulator.Url))["RetrievePropertiesEx"];
}
