using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using McVSphere.Host.Hosting;
using McVSphere.Host.Plugins;
using McVSphere.Host.Security;
using McVSphere.Sdk.Resources;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Properties;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp;

/// <summary>
/// Subscriptions to resources that declare what they watch (<see cref="WatchesInventoryAttribute"/>), through
/// <c>resources/subscribe</c> (protocol revisions before 2026-07-28) and <c>subscriptions/listen</c> (from 2026-07-28):
/// one inventory watch per subscribed URI, shared by all its subscribers and stopped with the last one; changes in a
/// burst are sent as one <c>notifications/resources/updated</c>.
/// </summary>
/// <remarks>With several vCenters, <c>esxi://{vcenter}/vms</c> watches that target; <c>esxi://vms</c> the default one.</remarks>
public sealed partial class ResourceSubscriptions(VCenterTargets targets, ToolCatalog catalog, ILogger<ResourceSubscriptions> logger) : IAsyncDisposable
{
    private static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Watch> _watches = new(StringComparer.Ordinal);

    private sealed class Watch(WatchesInventoryAttribute what, TargetSession target)
    {
        public WatchesInventoryAttribute What { get; } = what;

        public TargetSession Target { get; } = target;
        public Dictionary<object, Func<string, Task>> Subscribers { get; } = [];
        public CancellationTokenSource Stop { get; } = new();
        public Task? Running { get; set; }

        /// <summary>Completes once the watch holds the inventory as it is, so that a change after it is not missed.</summary>
        public TaskCompletionSource Watching { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The longest a subscription waits for its watch to start (vCenter slow or away: it then starts later).</summary>
    private static readonly TimeSpan WatchStartBound = TimeSpan.FromSeconds(30);

    public static async ValueTask<EmptyResult> SubscribeAsync(RequestContext<SubscribeRequestParams> context, CancellationToken cancellationToken)
    {
        var server = context.Server;
        var subscriptions = context.Services!.GetRequiredService<ResourceSubscriptions>();
        await subscriptions.SubscribeAsync(server, subscriptions.Require(context.Params?.Uri ?? ""), uri =>
            server.SendNotificationAsync(NotificationMethods.ResourceUpdatedNotification, new ResourceUpdatedNotificationParams { Uri = uri }), cancellationToken);
        return new EmptyResult();
    }

    /// <summary>
    /// <c>subscriptions/listen</c>: acknowledges the subscribable resources among those asked for, then streams their
    /// updates, tagged with the listen request's id and sent over its own stream, until the request is cancelled.
    /// </summary>
    public static async ValueTask<EmptyResult> ListenAsync(RequestContext<SubscriptionsListenRequestParams> context, CancellationToken cancellationToken)
    {
        var subscriptions = context.Services!.GetRequiredService<ResourceSubscriptions>();
        var granted = (context.Params?.Notifications?.ResourceSubscriptions ?? []).Where(subscriptions.IsSubscribable).Distinct().ToList();
        // The SDK has no filter for subscriptions/listen: the resource check of the security filters is applied here.
        foreach (var uri in granted)
        {
            SecurityRequestFilters.RequireResourceReading(context, uri);
        }
        var request = context.JsonRpcRequest;
        Task SendAsync(string method, JsonObject parameters, CancellationToken token)
        {
            // The subscription id is the listen request's id, of the same JSON type, so the client can match them.
            parameters["_meta"] = new JsonObject
            {
                [MetaKeys.SubscriptionId] = request.Id.Id switch { long number => JsonValue.Create(number), var other => JsonValue.Create(other?.ToString()) },
            };
            // context.Server is bound to the listen request: what it sends goes over that request's stream.
            return context.Server.SendMessageAsync(new JsonRpcNotification { Method = method, Params = parameters }, token);
        }

        // The acknowledgement promises that changes from then on are notified, so it is sent once the watches hold the
        // inventory; an update noticed before it waits for it.
        var acknowledgedSent = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = new object();
        try
        {
            foreach (var uri in granted)
            {
                await subscriptions.SubscribeAsync(listener, uri, async updated =>
                {
                    if (await acknowledgedSent.Task)
                    {
                        await SendAsync(NotificationMethods.ResourceUpdatedNotification, new JsonObject { ["uri"] = updated }, CancellationToken.None);
                    }
                }, cancellationToken);
            }
            var acknowledged = new SubscriptionsListenNotifications { ResourceSubscriptions = granted.Count > 0 ? granted : null };
            await SendAsync(NotificationMethods.SubscriptionsAcknowledgedNotification,
                JsonSerializer.SerializeToNode(new SubscriptionsAcknowledgedNotificationParams { Notifications = acknowledged }, McpJsonUtilities.DefaultOptions)!.AsObject(),
                cancellationToken);
            acknowledgedSent.TrySetResult(true);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The client closed the subscription.
        }
        finally
        {
            acknowledgedSent.TrySetResult(false);
            foreach (var uri in granted)
            {
                subscriptions.Unsubscribe(listener, uri);
            }
        }
        return new EmptyResult();
    }

    public static ValueTask<EmptyResult> UnsubscribeAsync(RequestContext<UnsubscribeRequestParams> context, CancellationToken cancellationToken)
    {
        context.Services!.GetRequiredService<ResourceSubscriptions>().Unsubscribe(context.Server, context.Params?.Uri ?? "");
        return ValueTask.FromResult(new EmptyResult());
    }

    private bool IsSubscribable(string uri) => WatchOf(uri) is not null;

    /// <summary>What the resource <paramref name="uri"/> (maybe on a named target) watches, or null when it cannot be subscribed to.</summary>
    private (WatchesInventoryAttribute What, TargetSession Target)? WatchOf(string uri)
    {
        TargetResource.TrySplit(uri, targets, out var target, out var innerUri);
        return catalog.Resources.FirstOrDefault(r => r.Uri == innerUri && r.Watch is not null) is { Watch: { } what } ? (what, target) : null;
    }

    private string Require(string uri)
    {
        if (!IsSubscribable(uri))
        {
            var subscribable = catalog.Resources.Where(r => r.Watch is not null).Select(r => r.Uri);
            throw new McpProtocolException($"uri: '{uri}' cannot be subscribed to. Subscribable resources: {string.Join(", ", subscribable)}.", McpErrorCode.InvalidParams);
        }
        return uri;
    }

    /// <summary>Adds a subscriber, and returns once its watch holds the inventory as it is (a change after that is notified).</summary>
    private async Task SubscribeAsync(object subscriber, string uri, Func<string, Task> notify, CancellationToken cancellationToken)
    {
        var (what, target) = WatchOf(uri)!.Value;
        Watch? watch;
        lock (_lock)
        {
            if (!_watches.TryGetValue(uri, out watch))
            {
                watch = new Watch(what, target);
                _watches[uri] = watch;
                var started = watch;
                watch.Running = Task.Run(() => RunAsync(uri, started));
            }
            watch.Subscribers[subscriber] = notify;
        }
        try
        {
            await watch.Watching.Task.WaitAsync(WatchStartBound, cancellationToken);
        }
        catch (TimeoutException)
        {
            // vCenter is slow or away: the watch goes on trying, and the subscriber is notified of changes once it runs.
        }
    }

    private void Unsubscribe(object subscriber, string uri)
    {
        lock (_lock)
        {
            if (_watches.TryGetValue(uri, out var watch) && watch.Subscribers.Remove(subscriber) && watch.Subscribers.Count == 0)
            {
                _watches.Remove(uri);
                watch.Stop.Cancel();
            }
        }
    }

    private async Task RunAsync(string uri, Watch watch)
    {
        var changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var notifier = NotifyAsync(uri, watch, changes.Reader);
        while (!watch.Stop.IsCancellationRequested)
        {
            try
            {
                await watch.Target.Client.WatchInventoryAsync(watch.What.ManagedObjectType, watch.What.PropertyPaths, () => changes.Writer.TryWrite(true),
                    () => watch.Watching.TrySetResult(), watch.Stop.Token);
            }
            catch (OperationCanceledException) when (watch.Stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                LogWatchFailed(uri, ex.Message);
                await Task.Delay(RetryDelay, watch.Stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        changes.Writer.Complete();
        await notifier;
    }

    private async Task NotifyAsync(string uri, Watch watch, ChannelReader<bool> changes)
    {
        while (await changes.WaitToReadAsync())
        {
            await Task.Delay(Coalescing);
            changes.TryRead(out _);
            KeyValuePair<object, Func<string, Task>>[] subscribers;
            lock (_lock)
            {
                subscribers = [.. watch.Subscribers];
            }
            foreach (var (subscriber, notify) in subscribers)
            {
                try
                {
                    await notify(uri);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The client went away: it will not be notified again.
                    Unsubscribe(subscriber, uri);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Watch[] watches;
        lock (_lock)
        {
            watches = [.. _watches.Values];
            _watches.Clear();
        }
        foreach (var watch in watches)
        {
            await watch.Stop.CancelAsync();
            if (watch.Running is { } running)
            {
                await running;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching {Uri} for subscribers failed ({Reason}); retrying")]
    private partial void LogWatchFailed(string uri, string reason);
}
