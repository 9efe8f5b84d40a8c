namespace McVSphere.VSphere.Transfers;

/// <summary>How far a streamed transfer has got.</summary>
/// <param name="Bytes">The bytes transferred so far.</param>
/// <param name="TotalBytes">The size of the whole transfer, when known.</param>
public readonly record struct TransferProgress(long Bytes, long? TotalBytes)
{
    /// <summary>The percentage done (0-100), when the total is known.</summary>
    public int? Percent => TotalBytes is > 0 and var total ? (int)Math.Min(100, Bytes * 100 / total) : null;
}
