namespace McVSphere.Testing;

/// <summary>The lines a process logged, thread-safe, with a wait for a line to come (no polling).</summary>
public sealed class LogLines
{
    private static readonly TimeSpan WaitBound = TimeSpan.FromSeconds(60);

    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    /// <summary>Everything logged so far, one line each.</summary>
    public override string ToString()
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines);
        }
    }

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(waiter => waiter.Match(line)).ToList())
            {
                waiter.Found.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Waits (a minute at most) until a line that <paramref name="match"/> accepts is logged, or returns the one already logged.</summary>
    /// <param name="what">What the line says, for the failure message.</param>
    public async Task<string> WaitForAsync(Func<string, bool> match, string what)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }
            _waiters.Add((match, found));
        }
        try
        {
            return await found.Task.WaitAsync(WaitBound);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"Nothing logged {what} within {WaitBound.TotalSeconds:0} s. The log:{Environment.NewLine}{this}");
        }
    }
}
