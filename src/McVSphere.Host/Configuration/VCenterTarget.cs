namespace McVSphere.Host.Configuration;

/// <summary>One vCenter (or ESXi host) the server serves, under the name tools take in their <c>vcenter</c> argument.</summary>
/// <param name="Name">The target's name: letters, digits, '.', '_' and '-'.</param>
/// <param name="Connection">Where and as whom to connect.</param>
/// <param name="Defaults">Its placement defaults (datacenter, cluster, datastore, network).</param>
/// <param name="ReadOnly">Serve only READ_ONLY tools on this target, whatever the caller's level.</param>
public sealed record VCenterTarget(string Name, VCenterSettings Connection, PlacementDefaults Defaults, bool ReadOnly = false)
{
    /// <summary>The name of the one target the VCENTER_* variables define.</summary>
    public const string SingleTargetName = "default";

    /// <summary>Whether <paramref name="name"/> can name a target (it also appears in resource URIs: esxi://{vcenter}/vms).</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}

/// <summary>The targets a server serves, the first call-less one being <see cref="Default"/>.</summary>
/// <param name="All">Every target, in the order configured.</param>
/// <param name="Default">The name of the target a call without <c>vcenter</c> means.</param>
/// <param name="FromFile">Whether MCVSPHERE_TARGETS_FILE defined them: only then do tools take a <c>vcenter</c> argument.</param>
public sealed record VCenterTargetList(IReadOnlyList<VCenterTarget> All, string Default, bool FromFile);
