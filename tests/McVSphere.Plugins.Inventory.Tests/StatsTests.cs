using System.Text.Json;
using McVSphere.Testing;

namespace McVSphere.Plugins.Inventory.Tests;

[Collection(InventoryCollection.Name)]
public class StatsTests(InventoryFixture fixture)
{
    private static readonly Dictionary<string, string> ExpectedUnits = new()
    {
        ["cpu.usage.average"] = "percent",
        ["cpu.usagemhz.average"] = "megaHertz",
        ["mem.usage.average"] = "percent",
        ["mem.consumed.average"] = "kiloBytes",
        ["net.usage.average"] = "kiloBytesPerSecond",
    };

    [Fact]
    public async Task Get_vm_stats_returns_the_latest_real_time_samples_with_units()
    {
        var stats = await fixture.Client.CallJsonAsync("get_vm_stats", new { name = "DC0_H0_VM0" });

        Assert.Equal("DC0_H0_VM0", stats.String("name"));
        Assert.Equal("poweredOn", stats.String("power_state"));
        var metrics = AssertRecentSample(stats.GetProperty("performance"));
        Assert.Contains(metrics.Keys, counter => counter.StartsWith("virtualDisk.", StringComparison.Ordinal) || counter.StartsWith("disk.", StringComparison.Ordinal));
        Assert.Contains("net.received.average", metrics.Keys);
    }

    [Fact]
    public async Task Get_host_stats_returns_quick_stats_and_samples()
    {
        var stats = await fixture.Client.CallJsonAsync("get_host_stats", new { host_name = "DC0_H0" });

        // The simulator's hosts report constant quick stats.
        Assert.Equal("DC0_H0", stats.String("name"));
        Assert.Equal(67, stats.Int("cpu_usage_mhz"));
        Assert.Equal(1404, stats.Int("memory_usage_mb"));
        Assert.Equal(77229, stats.Int("uptime_seconds"));
        Assert.Equal(Math.Round(67 * 100.0 / (stats.Int("cpu_cores") * stats.Int("cpu_mhz")), 1), stats.Double("cpu_usage_percent"));
        Assert.Equal(2, stats.Int("vm_count"));
        var metrics = AssertRecentSample(stats.GetProperty("performance"));
        Assert.Equal("kiloBytesPerSecond", metrics["disk.usage.average"].String("unit"));
    }

    [Fact]
    public async Task Get_host_stats_asks_which_host_when_there_are_several()
    {
        var error = await fixture.Client.CallErrorAsync("get_host_stats");

        Assert.Contains("host_name is required", error);
        Assert.Contains("DC0_C0_H0, DC0_C0_H1, DC0_C0_H2, DC0_H0", error);
    }

    private static Dictionary<string, JsonElement> AssertRecentSample(JsonElement performance)
    {
        Assert.Equal(20, performance.Int("interval_seconds"));
        Assert.InRange(performance.GetProperty("sample_time").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        var metrics = performance.Array("metrics").ToDictionary(metric => metric.String("counter")!);
        foreach (var (counter, unit) in ExpectedUnits)
        {
            Assert.True(metrics.ContainsKey(counter), $"{counter} missing");
            Assert.Equal(unit, metrics[counter].String("unit"));
            Assert.Equal(counter.Split('.')[0], metrics[counter].String("group"));
            Assert.True(metrics[counter].Double("value") >= 0);
        }
        return metrics;
    }
}
