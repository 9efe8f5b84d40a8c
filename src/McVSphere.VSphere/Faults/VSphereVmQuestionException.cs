using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere;

/// <summary>
/// A task stopped on a question its VM asks (<c>runtime.question</c>), which the caller did not choose to answer. The
/// task goes on waiting in vCenter until someone answers it (<c>AnswerVM</c>); the wait does not, so that no call sits
/// out its timeout on a question nobody sees.
/// </summary>
public sealed class VSphereVmQuestionException : VSphereException
{
    /// <summary>Creates the exception for <paramref name="task"/>, waiting on <paramref name="question"/> of <paramref name="vm"/>.</summary>
    public VSphereVmQuestionException(ManagedObjectReference task, ManagedObjectReference vm, string vmName, VirtualMachineQuestion question)
        : base($"VM '{vmName}' asks a question and the vSphere task {task.Value} waits for the answer: \"{question.Text}\" " +
            $"Choices: {question.DescribeChoices()}. The task stays running until someone answers it, e.g. with the VM's " +
            $"Answer Question action in the vSphere Client (question id {question.Id}).")
    {
        Task = task;
        Vm = vm;
        VmName = vmName;
        Question = question;
    }

    /// <summary>The task that waits.</summary>
    public ManagedObjectReference Task { get; }

    /// <summary>The VM that asks.</summary>
    public ManagedObjectReference Vm { get; }

    /// <summary>The VM's name.</summary>
    public string VmName { get; }

    /// <summary>The question.</summary>
    public VirtualMachineQuestion Question { get; }
}
