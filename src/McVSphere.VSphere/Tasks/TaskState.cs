using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tasks;

/// <summary>
/// What is known of a task while waiting for it, fed property by property (from a read or from WaitForUpdatesEx
/// change sets), reporting progress when it moves.
/// </summary>
internal sealed class TaskState(ManagedObjectReference task, IProgress<VSphereTaskProgress>? progress)
{
    public static readonly IReadOnlyList<string> WatchedPaths = ["info.state", "info.progress", "info.description", "info.error", "info.result"];

    private string? _state;
    private VimObject? _error;
    private VimValue? _result;

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
                Report(value?.AsInt32() ?? LastProgress?.Percent ?? 0, LastProgress?.Description);
                break;
            case "info.description":
                Report(LastProgress?.Percent ?? 0, (value as VimObject)?.GetString("message"));
                break;
            case "info.error":
                _error = value as VimObject;
                break;
            case "info.result":
                _result = value;
                break;
        }
    }

    /// <summary>The result of a successful task; throws the fault of a failed one.</summary>
    public VimValue? Complete()
    {
        if (_state == "error")
        {
            var fault = _error?.GetObject("fault");
            throw VimFaults.Create(fault?.TypeName ?? "SystemError", _error?.GetString("localizedMessage"), fault, task);
        }
        Report(100, LastProgress?.Description);
        return _result;
    }

    private void Report(int percent, string? description)
    {
        var next = new VSphereTaskProgress(Math.Clamp(percent, 0, 100), description);
        if (next != LastProgress)
        {
            LastProgress = next;
            progress?.Report(next);
        }
    }
}
