using McVSphere.VSphere.Lookup;

namespace McVSphere.VSphere.Tests.Unit;

public sealed class ClosestNamesTests
{
    [Fact]
    public void Substrings_come_first_then_the_nearest_by_edit_distance()
    {
        string[] names = ["web-01", "web-02", "db-01", "webserver-prod", "mail", "wbe-01"];

        Assert.Equal(["web-01", "web-02", "webserver-prod"], ClosestNames.Find("web", names));
        Assert.Equal(["web-01", "web-02"], ClosestNames.Find("web-0l", names));
        Assert.Empty(ClosestNames.Find("zzzzzzzz", names));
    }

    [Fact]
    public void At_most_five_are_suggested()
    {
        var names = Enumerable.Range(0, 20).Select(i => $"vm-{i:D2}");

        Assert.Equal(ClosestNames.MaxSuggestions, ClosestNames.Find("vm", names).Count);
    }

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("same", "same", 0)]
    public void Edit_distance_is_Levenshtein(string a, string b, int distance) => Assert.Equal(distance, ClosestNames.EditDistance(a, b));
}
