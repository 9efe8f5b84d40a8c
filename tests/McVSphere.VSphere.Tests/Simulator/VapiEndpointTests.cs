using System.Text.Json;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Rest;

namespace McVSphere.VSphere.Tests.Simulator;

/// <summary>A test bed without <c>/api</c>, as a vCenter before 7.0U2: only the deprecated <c>/rest</c> serves vAPI.</summary>
public sealed class RestOnlySimulator : SimulatorFixture
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Flags => ["-vapi-api=false"];
}

/// <summary>Tagging over <c>/api</c> where the server has it (the test bed's default, as vCenter 7.0U2+).</summary>
public sealed class VapiApiEndpointTests(TwoDatacenterSimulator fixture) : IClassFixture<TwoDatacenterSimulator>
{
    [Fact]
    public async Task Tagging_goes_to_api_and_never_to_rest()
    {
        var served = await VapiEndpointTests.TagRoundTripAsync(fixture.Simulator);

        Assert.True(served.Api > 0, "no request reached /api");
        Assert.Equal(0, served.Rest);
    }
}

/// <summary>Tagging over <c>/rest</c> where the server has no <c>/api</c>: found out once, at login.</summary>
public sealed class VapiRestEndpointTests(RestOnlySimulator fixture) : IClassFixture<RestOnlySimulator>
{
    [Fact]
    public async Task Tagging_falls_back_to_rest_after_one_probe_of_api()
    {
        var served = await VapiEndpointTests.TagRoundTripAsync(fixture.Simulator);

        Assert.True(served.Rest > 0, "no request reached /rest");
        Assert.True(served.Api <= 1, $"{served.Api} requests went to /api; one login probe at most");
    }
}

/// <summary>Requests the test bed served under <c>/api</c> and under <c>/rest</c>.</summary>
internal readonly record struct VapiRequestCounts(int Api, int Rest);

internal static class VapiEndpointTests
{
    /// <summary>
    /// Creates, attaches, reads back and fails the way each call can, through one client (one vAPI session); returns the
    /// requests the test bed served meanwhile.
    /// </summary>
    public static async Task<VapiRequestCounts> TagRoundTripAsync(SimulatorInstance simulator)
    {
        var before = await RequestCountsAsync(simulator);
        await using (var client = TestClients.Create(simulator))
        {
            await ExerciseTaggingAsync(client); // Disposing logs the vAPI session out, a request the counts include.
        }
        var after = await RequestCountsAsync(simulator);
        return new(after.Api - before.Api, after.Rest - before.Rest);
    }

    private static async Task ExerciseTaggingAsync(VSphereClient client)
    {
        var tagging = client.Tagging;
        var vm = (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_H0_VM0")).Ref;
        var categoryName = "Tier-" + Guid.NewGuid().ToString("N")[..8];

        var categoryId = await tagging.CreateCategoryAsync(categoryName, "Service tier", TagCardinality.Single, ["VirtualMachine"]);
        var tagId = await tagging.CreateTagAsync(categoryId, "gold", "Best effort is not enough");
        await tagging.AttachTagAsync(tagId, vm);

        var category = await tagging.GetCategoryAsync(categoryId);
        Assert.Equal(categoryName, category.Name);
        Assert.Equal("SINGLE", category.Cardinality);
        Assert.Equal(["VirtualMachine"], category.AssociableTypes);
        Assert.Contains(await tagging.ListCategoriesAsync(), listed => listed.Id == categoryId);
        var tag = Assert.Single(await tagging.ListTagsForCategoryAsync(categoryId));
        Assert.Equal(("gold", categoryId, "Best effort is not enough"), (tag.Name, tag.CategoryId, tag.Description));
        Assert.Contains(await tagging.ListTagsAsync(), listed => listed.Id == tagId);
        Assert.Contains(await tagging.ListAttachedTagsAsync(vm), attached => attached.Id == tagId);
        Assert.Contains(vm, await tagging.ListAttachedObjectsAsync(tagId));

        await tagging.DetachTagAsync(tagId, vm);
        Assert.DoesNotContain(await tagging.ListAttachedTagsAsync(vm), attached => attached.Id == tagId);

        var unknown = await Assert.ThrowsAsync<VapiException>(() => tagging.GetTagAsync("urn:vmomi:InventoryServiceTag:no-such-tag:GLOBAL"));
        Assert.True(unknown.IsNotFound, unknown.Message);
        var duplicate = await Assert.ThrowsAsync<VapiException>(() => tagging.CreateCategoryAsync(categoryName));
        Assert.True(duplicate.IsAlreadyExists, duplicate.Message);
        Assert.Contains("already exists", duplicate.Message, StringComparison.Ordinal);
    }

    /// <summary>The test bed's count of vAPI requests served under /api and under /rest.</summary>
    private static async Task<VapiRequestCounts> RequestCountsAsync(SimulatorInstance simulator)
    {
        using var http = new HttpClient();
        using var counts = JsonDocument.Parse(await http.GetStringAsync(new Uri(simulator.Url, "/vcsim/vapi-requests")));
        return new(counts.RootElement.GetProperty("api").GetInt32(), counts.RootElement.GetProperty("rest").GetInt32());
    }
}
