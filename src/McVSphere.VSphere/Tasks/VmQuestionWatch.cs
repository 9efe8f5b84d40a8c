using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tasks;

/// <summary>
/// The VM a task runs on, followed while the task is waited for: the question it asks, if any, and what the caller
/// answers. A question answered from here is not answered again while vCenter has yet to clear it.
/// </summary>
internal sealed class VmQuestionWatch(ManagedObjectReference vm, Func<VirtualMachineQuestion, string?>? answer)
{
    public static readonly IReadOnlyList<string> WatchedPaths = ["name", "runtime.question"];

    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private string? _name;
    private VirtualMachineQuestion? _pending;

    public ManagedObjectReference Vm => vm;

    /// <summary>Takes a change of the VM; false when the path is not one of <see cref="WatchedPaths"/>.</summary>
    public bool Apply(string path, VimValue? value)
    {
        switch (path)
        {
            case "name":
                _name = value?.AsString();
                return true;
            case "runtime.question":
                _pending = VirtualMachineQuestion.From(value);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The question the VM asks that has not been answered from here, if any.</summary>
    public VirtualMachineQuestion? Unanswered => _pending is { } question && !_answered.Contains(question.Id) ? question : null;

    /// <summary>
    /// The key of the choice to answer <paramref name="question"/> with, as the caller decides; throws
    /// <see cref="VSphereVmQuestionException"/> when the caller leaves it to a person, or answers with a choice it does not offer.
    /// </summary>
    public string ChooseAnswer(ManagedObjectReference task, VirtualMachineQuestion question)
    {
        if (answer?.Invoke(question) is not { } choice || question.Choices.All(offered => offered.Key != choice))
        {
            throw new VSphereVmQuestionException(task, vm, _name ?? vm.Value, question);
        }
        _answered.Add(question.Id);
        return choice;
    }
}
