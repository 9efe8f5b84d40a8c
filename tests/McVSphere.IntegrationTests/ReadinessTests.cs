using System.Diagnostics;
using System.Net;
using McVSphere.Testing;

namespace McVSphere.IntegrationTests;

/// <summary>/readyz follows vCenter: it asks it (not the cached login), within a bound, and says nothing about it.</summary>
public sealed class ReadinessTests
{
    // The host's bound on vCenter's answer (ReadinessProbe.AnswerWithin, 5 s) plus its cache (3 s), with room for a busy machine.
    private static readonly TimeSpan StateChangeBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Readyz_answers_503_within_its_bound_while_vCenter_is_stalled_or_gone_and_200_when_it_is_back()
    {
        await using var simulator = await SimulatorProcess.StartAsync();
        await using var host = await HostProcess.StartHttpAsync(simulator.HostEnvironment);
        using var http = new HttpClient { BaseAddress = host.BaseUri, Timeout = AnswerBound };

        var ready = await WaitForStatusAsync(http, HttpStatusCode.OK);
        Assert.Equal("ready", ready.Body);

        // Stalled: the process no longer runs, its socket still accepts connections (the kernel does), nothing answers.
        ProcessSignals.Send(simulator.ProcessId, "STOP");
        try
        {
            var stalled = await WaitForStatusAsync(http, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("not ready", stalled.Body);
            await host.WaitForLogAsync(line => line.Contains("did not answer within 5 s", StringComparison.Ordinal), "why it is not ready");
        }
        finally
        {
            ProcessSignals.Send(simulator.ProcessId, "CONT");
        }
        Assert.Equal("ready", (await WaitForStatusAsync(http, HttpStatusCode.OK)).Body);

        // Gone: the process ends, connections are refused.
        Process.GetProcessById(simulator.ProcessId).Kill();
        Assert.Equal("not ready", (await WaitForStatusAsync(http, HttpStatusCode.ServiceUnavailable)).Body);
    }

    [Fact]
    public async Task Readyz_tells_an_unauthenticated_caller_nothing_about_vCenter()
    {
        await using var simulator = await SimulatorProcess.StartAsync();
        await using var host = await HostProcess.StartHttpAsync(simulator.HostEnvironment);
        using var http = new HttpClient { BaseAddress = host.BaseUri, Timeout = AnswerBound };

        var ready = await WaitForStatusAsync(http, HttpStatusCode.OK);

        Assert.Equal("ready", ready.Body);
        Assert.DoesNotContain("VMware", ready.Body);
    }

    /// <summary>Asks /readyz until it answers <paramref name="status"/>; every answer must come within <see cref="AnswerBound"/>.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> WaitForStatusAsync(HttpClient http, HttpStatusCode status)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.GetAsync("readyz"); // throws past AnswerBound: an unbounded probe fails the test
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == status)
            {
                return (response.StatusCode, body);
            }
            Assert.True(deadline.Elapsed < StateChangeBound, $"/readyz still answers {(int)response.StatusCode} '{body}' after {deadline.Elapsed.TotalSeconds:0} s");
            await Task.Delay(200);
        }
    }
}
