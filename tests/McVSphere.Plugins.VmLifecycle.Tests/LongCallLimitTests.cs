using McVSphere.Testing;

namespace McVSphere.Plugins.VmLifecycle.Tests;

/// <summary>The host allowing one long call per caller at once (MCVSPHERE_MAX_LONG_CALLS=1).</summary>
public sealed class LongCallLimitFixture : VmLifecycleFixture
{
    protected override IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?> { ["MCVSPHERE_MAX_LONG_CALLS"] = "1" };
}

public sealed class LongCallLimitTests(LongCallLimitFixture fixture) : IClassFixture<LongCallLimitFixture>
{
    [Fact]
    public async Task A_long_call_past_the_callers_limit_is_refused_until_one_finishes_while_short_calls_go_on()
    {
        var source = await fixture.CreateVmAsync("limit-source");
        await fixture.SetTaskDelayAsync(source, TimeSpan.FromSeconds(8));
        await using var progress = new ProgressRecorder(fixture.Client);

        var first = fixture.Client.CallJsonAsync("clone_vm", new { template_name = source, new_name = fixture.UniqueName("first") }, progress);
        // The first clone holds the caller's place once its task runs (its first progress notification).
        for (var attempt = 0; attempt < 24 && !first.IsCompleted && (await progress.WaitForAsync(_ => true)).Count == 0; attempt++)
        {
        }
        Assert.False(first.IsCompleted, "the first clone ended before the second call was made");

        var refused = await fixture.Client.CallErrorAsync("clone_vm", new { template_name = source, new_name = fixture.UniqueName("second") });
        Assert.Contains("already runs 1", refused);
        Assert.Contains("MCVSPHERE_MAX_LONG_CALLS", refused);
        Assert.Contains("'clone_vm'", refused);
        // A call that is not long is not limited.
        await fixture.Client.CallJsonAsync("list_snapshots", new { name = source });

        await first;
        await fixture.SetTaskDelayAsync(source, TimeSpan.Zero);
        await fixture.Client.CallJsonAsync("clone_vm", new { template_name = source, new_name = fixture.UniqueName("third") });
    }
}
