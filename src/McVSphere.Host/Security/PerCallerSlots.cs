namespace McVSphere.Host.Security;

/// <summary>
/// Up to a limit of something (long calls, sessions) per caller. A caller is a token's issuer and subject (a display
/// name can be shared), or the local user without OAuth: the one rule for who counts as the same caller.
/// </summary>
public sealed class PerCallerSlots(int limit)
{
    private readonly Dictionary<string, int> _taken = [];

    public int Limit => limit;

    /// <summary>Takes one of <paramref name="caller"/>'s slots, given back when the result is disposed; null when all are taken.</summary>
    public IDisposable? TryTake(Caller caller)
    {
        var key = Key(caller);
        lock (_taken)
        {
            var taken = _taken.GetValueOrDefault(key);
            if (taken >= limit)
            {
                return null;
            }
            _taken[key] = taken + 1;
        }
        return new Slot(this, key);
    }

    private static string Key(Caller caller) => caller.Subject is null ? caller.User : $"{caller.Issuer}\n{caller.Subject}";

    private void GiveBack(string key)
    {
        lock (_taken)
        {
            if (_taken[key] <= 1)
            {
                _taken.Remove(key);
            }
            else
            {
                _taken[key]--;
            }
        }
    }

    private sealed class Slot(PerCallerSlots slots, string key) : IDisposable
    {
        private int _givenBack;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _givenBack, 1) == 0)
            {
                slots.GiveBack(key);
            }
        }
    }
}
