namespace McVSphere.VSphere.Vim;

/// <summary>
/// A question a VM asks (<c>runtime.question</c>, <c>VirtualMachineQuestionInfo</c>): while it is pending, the task
/// that raised it waits, until someone answers with <c>AnswerVM</c>.
/// </summary>
/// <param name="Id">The question's id, which the answer names.</param>
/// <param name="Text">The question, as vSphere words it.</param>
/// <param name="MessageIds">The ids of its messages (e.g. <see cref="CdromLockedMessageId"/>), which say what it is about.</param>
/// <param name="Choices">The answers it offers.</param>
/// <param name="DefaultChoice">The key of the default answer, if any.</param>
public sealed record VirtualMachineQuestion(
    string Id, string Text, IReadOnlyList<string> MessageIds, IReadOnlyList<VirtualMachineQuestionChoice> Choices, string? DefaultChoice)
{
    /// <summary>The guest has locked the CD/DVD tray and the change would take the media out.</summary>
    public const string CdromLockedMessageId = "msg.cdromdisconnect.locked";

    /// <summary>Reads <c>runtime.question</c>; null when the VM asks nothing.</summary>
    public static VirtualMachineQuestion? From(VimValue? question)
    {
        if (question is not VimObject info || info.GetString("id") is not { Length: > 0 } id)
        {
            return null;
        }
        var choices = info.GetArray("choice.choiceInfo").OfType<VimObject>()
            .Select(choice => new VirtualMachineQuestionChoice(choice.GetString("key") ?? "", choice.GetString("label") ?? choice.GetString("summary") ?? ""))
            .ToArray();
        var defaultIndex = info.GetInt32("choice.defaultIndex");
        var messages = info.GetArray("message").OfType<VimObject>().ToArray();
        var text = info.GetString("text") is { Length: > 0 } said ? said : string.Join(" ", messages.Select(message => message.GetString("text")));
        return new VirtualMachineQuestion(id, text.Trim(), messages.Select(message => message.GetString("id") ?? "").Where(messageId => messageId.Length > 0).ToArray(),
            choices, defaultIndex is { } index && index >= 0 && index < choices.Length ? choices[index].Key : null);
    }

    /// <summary>Whether it is about <paramref name="messageId"/>.</summary>
    public bool Is(string messageId) => MessageIds.Contains(messageId, StringComparer.Ordinal);

    /// <summary>The key of the choice labelled <paramref name="label"/> (ignoring case), if it offers one.</summary>
    public string? ChoiceLabelled(string label) =>
        Choices.FirstOrDefault(choice => string.Equals(choice.Label, label, StringComparison.OrdinalIgnoreCase))?.Key;

    /// <summary>The choices as "0 = Yes, 1 = No (default: No)".</summary>
    public string DescribeChoices()
    {
        var choices = string.Join(", ", Choices.Select(choice => $"{choice.Key} = {choice.Label}"));
        return Choices.FirstOrDefault(choice => choice.Key == DefaultChoice) is { } chosen ? $"{choices} (default: {chosen.Label})" : choices;
    }
}

/// <summary>One answer a VM question offers: the key AnswerVM takes and the label vSphere shows.</summary>
public sealed record VirtualMachineQuestionChoice(string Key, string Label);
