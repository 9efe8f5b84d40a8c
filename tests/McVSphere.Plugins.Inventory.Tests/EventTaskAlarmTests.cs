using McVSphere.Testing;

namespace McVSphere.Plugins.Inventory.Tests;

[Collection(InventoryCollection.Name)]
public class EventTaskAlarmTests(InventoryFixture fixture)
{
    [Fact]
    public async Task Get_recent_events_returns_the_newest_events_up_to_count()
    {
        var few = await fixture.Client.CallJsonAsync("get_recent_events", new { count = 5 });
        var many = await fixture.Client.CallJsonAsync("get_recent_events", new { count = 1000 });

        Assert.Equal(5, few.Int("count"));
        var times = few.Array("events").Select(@event => @event.GetProperty("created_time").GetDateTimeOffset()).ToArray();
        Assert.Equal(times.OrderDescending(), times);
        // Past the simulator's default page of 10: every event of the creation of the inventory and of the seeding.
        Assert.True(many.Int("count") > 20, $"only {many.Int("count")} events");
        Assert.Contains("VmCreatedEvent", many.Array("events").Strings("type"));
        Assert.Equal(24, many.Int("hours"));
    }

    [Fact]
    public async Task List_recent_events_filters_by_type()
    {
        var result = await fixture.Client.CallJsonAsync("list_recent_events", new { event_types = new[] { "vmpoweredoffevent" }, max_count = 100 });

        var events = result.Array("events");
        Assert.All(events, @event => Assert.Equal("VmPoweredOffEvent", @event.String("type")));
        Assert.Equal([InventoryFixture.Template, InventoryFixture.LabVm], events.Strings("vm").Order());
        Assert.All(events, @event => Assert.Equal("DC0", @event.String("datacenter")));
    }

    [Fact]
    public async Task List_recent_events_filters_by_entity()
    {
        var vm = await fixture.Client.CallJsonAsync("list_recent_events", new { entity_name = InventoryFixture.LabVm, max_count = 100 });
        var host = await fixture.Client.CallJsonAsync("list_recent_events",
            new { entity_name = "DC0_H0", event_types = new[] { "VmCreatedEvent" }, max_count = 100 });

        Assert.NotEmpty(vm.Array("events"));
        Assert.All(vm.Array("events"), @event => Assert.Equal(InventoryFixture.LabVm, @event.String("vm")));
        Assert.Contains("VmPoweredOffEvent", vm.Array("events").Strings("type"));
        Assert.Equal(["DC0_H0_VM0", "DC0_H0_VM1"], host.Array("events").Strings("vm").Order());
    }

    [Fact]
    public async Task Events_reject_bad_arguments_with_what_exists()
    {
        var type = await fixture.Client.CallErrorAsync("list_recent_events", new { event_types = new[] { "VmPowerOffEvent" } });
        var entity = await fixture.Client.CallErrorAsync("list_recent_events", new { entity_name = "DC0_H0_VMX" });
        var count = await fixture.Client.CallErrorAsync("get_recent_events", new { count = 1001 });
        var hours = await fixture.Client.CallErrorAsync("list_recent_events", new { hours_back = 0 });

        Assert.Contains("'VmPowerOffEvent' is not an event type", type);
        Assert.Contains("VmPoweredOffEvent", type);
        Assert.Contains("entity_name", entity);
        Assert.Contains("DC0_H0_VM0", entity);
        Assert.Contains("count must be between 1 and 1000", count);
        Assert.Contains("hours_back must be at least 1", hours);
    }

    [Fact]
    public async Task Recent_tasks_are_newest_first_with_state_entity_and_times()
    {
        var result = await fixture.Client.CallJsonAsync("get_recent_tasks", new { count = 3 });

        Assert.Equal(3, result.Int("count"));
        var tasks = result.Array("tasks");
        var queued = tasks.Select(task => task.GetProperty("queued_time").GetDateTimeOffset()).ToArray();
        Assert.Equal(queued.OrderDescending(), queued);
        // Other tests' calls (datastore searches) add tasks, some failing: check the shape, not which tasks they are.
        Assert.All(tasks, task =>
        {
            Assert.StartsWith("task-", task.String("key"));
            Assert.Contains(task.String("state"), (string[])["success", "error"]);
            Assert.Equal(task.String("state") == "error", task.Has("error"));
            Assert.True(task.GetProperty("complete_time").GetDateTimeOffset() >= task.GetProperty("start_time").GetDateTimeOffset());
        });
    }

    [Fact]
    public async Task List_recent_tasks_filters_by_entity()
    {
        var result = await fixture.Client.CallJsonAsync("list_recent_tasks", new { entity_name = InventoryFixture.LabVm, max_count = 50 });
        var unknown = await fixture.Client.CallErrorAsync("list_recent_tasks", new { entity_name = "DC0_H0_VMX" });

        var tasks = result.Array("tasks");
        Assert.NotEmpty(tasks);
        Assert.All(tasks, task =>
        {
            Assert.Equal(InventoryFixture.LabVm, task.String("entity"));
            Assert.Equal("VirtualMachine", task.String("entity_type"));
        });
        var powerOff = Assert.Single(tasks, task => task.String("name")!.StartsWith("PowerOff", StringComparison.Ordinal));
        Assert.Equal("success", powerOff.String("state"));
        Assert.Contains("DC0_H0_VM1", unknown);
    }

    [Fact]
    public async Task Get_alarms_reports_an_empty_list_with_a_count_when_none_is_triggered()
    {
        var result = await fixture.Client.CallJsonAsync("get_alarms");

        Assert.Equal(0, result.Int("count"));
        Assert.Empty(result.Array("alarms"));
    }
}
