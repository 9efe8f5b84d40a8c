using System.Text.Json;
using McVSphere.VSphere.Lookup;

namespace McVSphere.Host.Configuration;

/// <summary>
/// MCVSPHERE_TARGETS_FILE: several vCenters, each with the settings the VCENTER_* variables give one, named as those
/// variables are without their prefix, in lower case. Every problem names the target and the field.
/// </summary>
public sealed partial class McVSphereOptionsReader
{
    private static readonly string[] TargetFields =
        ["name", "host", "user", "password", "password_file", "insecure", "ca_bundle", "thumbprint", "datacenter", "cluster", "datastore", "network", "read_only"];

    private VCenterTargetList? ReadTargetsFile(bool useSimulator)
    {
        if (Get(HostSettings.TargetsFile) is not { } path)
        {
            return null;
        }
        if (useSimulator)
        {
            Problem(HostSettings.TargetsFile, $"is set while the embedded simulator is requested ({HostSettings.Simulator.Name} or --simulator); choose one.");
            return null;
        }
        if (Get(HostSettings.VCenterHost) is not null)
        {
            Problem(HostSettings.TargetsFile, $"is set together with {HostSettings.VCenterHost.Name}; define every vCenter in the file, or unset the file to serve one.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            Problem(HostSettings.TargetsFile, $"'{path}' cannot be read as JSON: {error.Message}");
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("targets", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            {
                Problem(HostSettings.TargetsFile, $"'{path}' must be a JSON object with a non-empty \"targets\" array, e.g. {{\"default\": \"prod\", \"targets\": [{{\"name\": \"prod\", \"host\": \"vc.example.com\", \"user\": \"...\", \"password_file\": \"...\"}}]}}.");
                return null;
            }
            foreach (var property in root.EnumerateObject().Where(p => p.Name is not ("targets" or "default")))
            {
                Problem(HostSettings.TargetsFile, $"unknown field '{property.Name}' at the top level; it takes \"default\" and \"targets\".");
            }
            var targets = new List<VCenterTarget>();
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var index = 0;
            foreach (var entry in list.EnumerateArray())
            {
                index++;
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                    && !names.Add(name.GetString()!))
                {
                    Problem(HostSettings.TargetsFile, $"target '{name.GetString()}': name: is used by an earlier target; names must differ (ignoring case).");
                    continue;
                }
                if (ReadTarget(entry, index) is { } target)
                {
                    targets.Add(target);
                }
            }
            var defaultName = targets.FirstOrDefault()?.Name ?? "";
            if (root.TryGetProperty("default", out var chosen))
            {
                var name = chosen.ValueKind == JsonValueKind.String ? chosen.GetString()! : chosen.GetRawText();
                if (!names.Contains(name))
                {
                    Problem(HostSettings.TargetsFile, $"default: '{name}' is no target; the targets are {string.Join(", ", names)}.");
                }
                defaultName = targets.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))?.Name ?? defaultName;
            }
            return new VCenterTargetList(targets, defaultName, FromFile: true);
        }
    }

    private VCenterTarget? ReadTarget(JsonElement entry, int index)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            Problem(HostSettings.TargetsFile, $"target {index}: must be a JSON object.");
            return null;
        }
        var name = entry.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString()! : null;
        var label = name is null ? $"target {index}" : $"target '{name}'";
        var problems = _problems.Count;
        void Fault(string field, string message) => Problem(HostSettings.TargetsFile, $"{label}: {field}: {message}");

        if (name is null)
        {
            Fault("name", "is required (a string).");
        }
        else if (!VCenterTarget.IsValidName(name) || name == "*")
        {
            Fault("name", $"'{name}' is not a target name; use 1 to 64 letters, digits, '.', '_' or '-'.");
        }
        foreach (var property in entry.EnumerateObject().Where(p => !TargetFields.Contains(p.Name)))
        {
            var closest = ClosestNames.Find(property.Name, TargetFields);
            Fault(property.Name, $"is not a target field{(closest.Count > 0 ? $"; did you mean {string.Join(" or ", closest)}?" : "")} Fields: {string.Join(", ", TargetFields)}.");
        }
        string? Text(string field)
        {
            if (!entry.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.String)
            {
                // The value is not echoed: it may be a secret.
                Fault(field, "must be a string.");
                return null;
            }
            return string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString()!.Trim();
        }
        bool Flag(string field)
        {
            if (!entry.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return false;
            }
            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Fault(field, "must be true or false.");
                return false;
            }
            return value.GetBoolean();
        }

        var server = Text("host");
        if (server is null)
        {
            Fault("host", "is required: the vCenter or ESXi host name, with :port when it is not 443.");
        }
        else if (!VSphere.VSphereConnectionOptions.TryGetSdkUri(server, out _, out var serverProblem))
        {
            Fault("host", serverProblem);
        }
        var user = Text("user");
        if (user is null)
        {
            Fault("user", "is required.");
        }
        var password = entry.TryGetProperty("password", out var passwordElement) && passwordElement.ValueKind == JsonValueKind.String ? passwordElement.GetString() : null;
        if (entry.TryGetProperty("password", out var given) && given.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            Fault("password", "must be a string.");
        }
        var passwordFile = Text("password_file");
        if (passwordFile is not null)
        {
            if (!string.IsNullOrEmpty(password))
            {
                Fault("password_file", "is given together with password; give one of them.");
            }
            else if (!File.Exists(passwordFile))
            {
                Fault("password_file", $"'{passwordFile}' does not exist.");
            }
            else
            {
                // Secret files usually end with a newline that is not part of the password.
                password = File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
            }
        }
        if (string.IsNullOrEmpty(password) && passwordFile is null && given.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String)
        {
            Fault("password", "is required, or password_file naming a file that holds it.");
        }
        var caBundle = Text("ca_bundle");
        if (caBundle is not null && CaBundleProblem(caBundle) is { } caProblem)
        {
            Fault("ca_bundle", caProblem);
        }
        var thumbprint = ReadThumbprint(Text("thumbprint"), out var thumbprintProblem);
        if (thumbprintProblem is not null)
        {
            Fault("thumbprint", thumbprintProblem);
        }
        var insecure = Flag("insecure");
        var readOnly = Flag("read_only");
        var defaults = new PlacementDefaults(Text("datacenter"), Text("cluster"), Text("datastore"), Text("network"));
        return _problems.Count > problems || name is null
            ? null
            : new VCenterTarget(name, new VCenterSettings(server!, user!, password ?? "", insecure, caBundle, thumbprint), defaults, readOnly);
    }

    private static string? CaBundleProblem(string path) => File.Exists(path) ? null : $"file '{path}' does not exist.";

    /// <summary>A SHA-256 thumbprint in upper-case hex without colons; null with a problem when it is not one.</summary>
    private static string? ReadThumbprint(string? text, out string? problem)
    {
        var thumbprint = text?.Replace(":", "").ToUpperInvariant();
        problem = thumbprint is not null && (thumbprint.Length != 64 || !thumbprint.All(Uri.IsHexDigit))
            ? "must be a SHA-256 thumbprint: 64 hexadecimal digits, colons optional."
            : null;
        return problem is null ? thumbprint : null;
    }
}
