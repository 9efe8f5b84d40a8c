using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Session;
using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.Logging;

namespace McVSphere.VSphere.Tasks;

/// <summary>
/// Waits for a task without polling (<see cref="PropertyWaiter.WatchAsync"/>): one read of its state (tasks that are
/// already done, as in the simulator, end there), then its changes as WaitForUpdatesEx reports them. Cancellation
/// cancels the task in vCenter and reports what became of it; a timeout leaves it running and says so.
/// </summary>
internal sealed partial class TaskWaiter(
    VSphereSession session,
    SoapClient soap,
    PropertyWaiter updates,
    VSphereConnectionOptions options,
    ILogger logger)
{
    // How long CancelTask may take, and how long the task is then followed to learn its outcome: bounded, because the
    // caller has gone, and short, because a server shutting down cancels its calls this way.
    private static readonly TimeSpan CancelTaskTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan OutcomeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Waits for <paramref name="task"/>; with <paramref name="questions"/>, also for the questions its VM asks meanwhile.</summary>
    public async Task<VimValue?> WaitAsync(
        ManagedObjectReference task,
        IProgress<VSphereTaskProgress>? progress,
        TimeSpan? timeout,
        VmQuestionWatch? questions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var limit = timeout ?? (progress as ITaskWaitLimit)?.WaitLimit ?? options.TaskTimeout;
        var state = new TaskState(task, progress);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            await session.RunAsync(async (ticket, token) =>
            {
                await WaitInSessionAsync(ticket, task, state, questions, token).ConfigureAwait(false);
                // The watch stops when the task ends or its VM asks a question: answer it as the caller decides
                // (or report it) and follow the task again.
                while (!state.IsFinished && questions?.Unanswered is { } question)
                {
                    await AnswerAsync(task, questions, question, questions.ChooseAnswer(task, question), token).ConfigureAwait(false);
                    await WaitInSessionAsync(ticket, task, state, questions, token).ConfigureAwait(false);
                }
                return true;
            }, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw await CancelInVCenterAsync(task, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new VSphereTaskTimeoutException(task, limit, state.LastProgress);
        }
        return state.Complete();
    }

    private Task WaitInSessionAsync(SessionTicket ticket, ManagedObjectReference task, TaskState state, VmQuestionWatch? questions,
        CancellationToken cancellationToken)
    {
        var taskSpec = new PropertySpec { Type = "Task", PathSet = TaskState.WatchedPaths };
        var spec = questions is null
            ? new PropertyFilterSpec { PropSet = [taskSpec], ObjectSet = [new ObjectSpec { Obj = task }] }
            : new PropertyFilterSpec
            {
                PropSet = [taskSpec, new PropertySpec { Type = questions.Vm.Type, PathSet = VmQuestionWatch.WatchedPaths }],
                ObjectSet = [new ObjectSpec { Obj = task }, new ObjectSpec { Obj = questions.Vm }],
            };
        return updates.WatchAsync(ticket, spec, (path, value) =>
        {
            if (questions?.Apply(path, value) != true)
            {
                state.Apply(path, value);
            }
        }, () =>
        {
            state.Publish();
            return state.IsFinished || questions?.Unanswered is not null;
        }, cancellationToken);
    }

    /// <summary>Answers the VM's question; one answered meanwhile by someone else (ConcurrentAccess) is no error.</summary>
    private async Task AnswerAsync(ManagedObjectReference task, VmQuestionWatch questions, VirtualMachineQuestion question, string choice,
        CancellationToken cancellationToken)
    {
        try
        {
            await soap.CallAsync("AnswerVM", questions.Vm, [new VimArgument("questionId", question.Id), new VimArgument("answerChoice", choice)],
                cancellationToken).ConfigureAwait(false);
            LogAnswered(task, questions.Vm, question.Id, string.Join(", ", question.MessageIds), question.Choices.First(offered => offered.Key == choice).Label);
        }
        catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.ConcurrentAccess)
        {
            // Answered already: the task goes on as that answer decided.
        }
    }

    /// <summary>
    /// Asks vCenter to cancel the task, then follows it for a short while to learn what really became of it: vCenter
    /// refuses to cancel some tasks (NotSupported) and others finish before the cancel takes effect.
    /// </summary>
    private async Task<VSphereTaskCancelledException> CancelInVCenterAsync(ManagedObjectReference task, CancellationToken cancelled)
    {
        string? refusal = null;
        try
        {
            using var timeout = new CancellationTokenSource(CancelTaskTimeout);
            await session.RunAsync((_, token) => soap.CallAsync("CancelTask", task, null, token), timeout.Token).ConfigureAwait(false);
        }
        catch (VimFaultException fault)
        {
            refusal = $"{fault.FaultType}: {fault.Message}";
        }
        catch (Exception failure) when (failure is VSphereException or OperationCanceledException)
        {
            refusal = failure is OperationCanceledException ? $"vCenter did not answer CancelTask within {CancelTaskTimeout.TotalSeconds:0} s" : failure.Message;
        }

        var settled = new TaskState(task, progress: null);
        string? error = null;
        CancelledTaskOutcome outcome;
        try
        {
            using var timeout = new CancellationTokenSource(OutcomeTimeout);
            await session.RunAsync(async (ticket, token) =>
            {
                await WaitInSessionAsync(ticket, task, settled, questions: null, token).ConfigureAwait(false);
                return true;
            }, timeout.Token).ConfigureAwait(false);
            outcome = settled.OutcomeAfterCancel(out error);
        }
        catch (OperationCanceledException)
        {
            outcome = CancelledTaskOutcome.StillRunning;
        }
        catch (VSphereException failure)
        {
            outcome = CancelledTaskOutcome.Unknown;
            error = failure.Message;
        }
        var cancellation = new VSphereTaskCancelledException(task, outcome, refusal, error, cancelled);
        LogCancelOutcome(task, cancellation.Message);
        return cancellation;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task}: answered question {QuestionId} of {Vm} ({MessageIds}) with {Choice}")]
    private partial void LogAnswered(ManagedObjectReference task, ManagedObjectReference vm, string questionId, string messageIds, string choice);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task}: {Outcome}")]
    private partial void LogCancelOutcome(ManagedObjectReference task, string outcome);
}
