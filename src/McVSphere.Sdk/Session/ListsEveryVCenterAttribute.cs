namespace McVSphere.Sdk.Session;

/// <summary>
/// Marks a listing tool that can read every vCenter the server serves at once. Given <c>vcenter: "*"</c>, the host
/// runs it on each target the caller may read, in parallel, and merges the answers: arrays are joined, each item
/// carrying its <c>vcenter</c>; counts are added; a target that fails is reported under <c>errors</c> while the
/// others answer. The tool itself works on one target, as every tool does.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ListsEveryVCenterAttribute : Attribute;
