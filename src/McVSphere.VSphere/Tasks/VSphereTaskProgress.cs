namespace McVSphere.VSphere.Tasks;

/// <summary>A task's progress, as reported through <see cref="IProgress{T}"/> while waiting for it.</summary>
/// <param name="Percent">0 to 100.</param>
/// <param name="Description">What the task is doing now (<c>info.description.message</c>), when vCenter says.</param>
public sealed record VSphereTaskProgress(int Percent, string? Description);
