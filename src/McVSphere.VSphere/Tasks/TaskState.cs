using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tasks;

/// <summary>
/// What is known of a task while waiting for it, fed property by property (from a read or from WaitForUpdatesEx
/// change sets); <see cref="Publish"/> reports progress once per batch, when it moved.
/// </summary>
internal sealed class TaskState(ManagedObjectReference task, IProgress<VSphereTaskProgress>? progress)
{
    public static readonly IReadOnlyList<string> WatchedPaths = ["info.state", "info.progress", "info.description", "info.error", "info.result"];

    private string? _state;
    private VimObject? _error;
    private VimValue? _result;
    private int _percent;
    private string? _description;

    public VSphereTaskProgress? LastProgress { get; private set; }

    public bool IsFinished => _state is "success" or "error";

    public void Apply(string path, VimValue? value)
    {
        switch (path)
        {
            case "info.state":
                _state = value?.AsString();
                break;
            case "info.progress":
                _percent = Math.Clamp(value?.AsInt32() ?? _percent, 0, 100);
                break;
            case "info.description":
                _description = (value as VimObject)?.GetString("message");
                break;
            case "info.error":
                _error = value as VimObject;
                break;
            case "info.result":
                _result = value;
                break;
        }
    }

    /// <summary>What became of the task, once its wait was cancelled; <paramref name="error"/> is a failure's message.</summary>
    public CancelledTaskOutcome OutcomeAfterCancel(out string? error)
    {
        var faultType = _error?.GetObject("fault")?.TypeName;
        error = _state == "error" ? $"{faultType}: {_error?.GetString("localizedMessage")}" : null;
        return _state switch
        {
            "success" => CancelledTaskOutcome.Succeeded,
            "error" when faultType == VimFaultTypes.RequestCanceled => CancelledTaskOutcome.Cancelled,
            "error" => CancelledTaskOutcome.Failed,
            _ => CancelledTaskOutcome.StillRunning,
        };
    }

    /// <summary>The result of a successful task; throws the fault of a failed one.</summary>
    public VimValue? Complete()
    {
        if (_state == "error")
        {
            var fault = _error?.GetObject("fault");
            throw VimFaults.Create(fault?.TypeName ?? "SystemError", _error?.GetString("localizedMessage"), fault, task);
        }
        _percent = 100;
        Publish();
        return _result;
    }

    /// <summary>Reports the progress if it changed since the last report.</summary>
    public void Publish()
    {
        var next = new VSphereTaskProgress(_percent, _description);
        if (next != LastProgress)
        {
            LastProgress = next;
            progress?.Report(next);
        }
    }
}
