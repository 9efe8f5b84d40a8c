using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>Credentials for guest operations (<c>GuestAuthentication</c>).</summary>
public abstract record GuestAuthentication : VimDataObject
{
    /// <summary>Run in the interactive session of the user (Windows desktops).</summary>
    public bool InteractiveSession { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer) => writer.Write("interactiveSession", InteractiveSession);
}

/// <summary>A guest user name and password (<c>NamePasswordAuthentication</c>). The password never appears in
/// <see cref="object.ToString"/>.</summary>
public sealed record NamePasswordAuthentication : GuestAuthentication
{
    /// <summary>The guest user.</summary>
    public required string Username { get; init; }

    /// <summary>The guest password.</summary>
    public required string Password { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        base.WriteFields(writer);
        writer.Write("username", Username);
        writer.Write("password", Password);
    }

    /// <summary>Prints the members with the password masked.</summary>
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Username = ").Append(Username).Append(", Password = ***, InteractiveSession = ").Append(InteractiveSession);
        return true;
    }
}

/// <summary>A program to start in the guest (<c>GuestProgramSpec</c>), for StartProgramInGuest.</summary>
public record GuestProgramSpec : VimDataObject
{
    /// <summary>The absolute path of the program, e.g. <c>/bin/sh</c>.</summary>
    public required string ProgramPath { get; init; }

    /// <summary>Its arguments, as one command-line string.</summary>
    public string Arguments { get; init; } = "";

    /// <summary>Its working directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Environment variables, as <c>NAME=value</c>.</summary>
    public IReadOnlyList<string>? EnvVariables { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("programPath", ProgramPath);
        writer.Write("arguments", Arguments);
        writer.Write("workingDirectory", WorkingDirectory);
        writer.Write("envVariables", EnvVariables);
    }
}

/// <summary>A program to start in a Windows guest (<c>GuestWindowsProgramSpec</c>).</summary>
public sealed record GuestWindowsProgramSpec : GuestProgramSpec
{
    /// <summary>Start the program minimized.</summary>
    public bool StartMinimized { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        base.WriteFields(writer);
        writer.Write("startMinimized", StartMinimized);
    }
}
