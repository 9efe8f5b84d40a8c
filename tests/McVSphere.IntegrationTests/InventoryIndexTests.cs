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
        await using var indexed = await HostProcess.StartHttpAsync(simulator.HostEnvironment);
        await using var plain = await HostProcess.StartHttpAsync(new Dictionary<string, string?>(simulator.HostEnvironment) { ["MCVSPHERE_INVENTORY_INDEX"] = "false" });
        await using var indexedClient = await indexed.ConnectAsync();
        await using var plainClient = await plain.ConnectAsync();
        await indexedClient.CallJsonAsync("get_vm_info", new { name = "DC0_H0_VM0" }); // the first lookup starts the index
        await indexed.WaitForLogAsync(line => line.Contains("Inventory index filled", StringComparison.Ordinal), "the inventory index filled");

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

    private static async Task<int> PropertyReadsAsync(SimulatorProcess simulator) =>
        (await RawVimSession.PagingStatsAsync(simulator.Url))["RetrievePropertiesEx"];
}
