using System.Management.Automation;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Cmdlets that change a host (install, uninstall): where the configuration and the command live, and -Root to work
/// on a staged copy of the host instead of the live one.
/// </summary>
public abstract class HostCmdletBase : SettingsCmdletBase
{
    [Parameter]
    public string? ConfigDir { get; set; }

    [Parameter]
    public string? BinDir { get; set; }

    /// <summary>Work under this directory instead of the live host: no service is touched.</summary>
    [Parameter]
    [RenderInput]
    public string? Root { get; set; }

    /// <summary>-Root resolved against the current location, or null for the live host.</summary>
    protected string? RootDirectory => Root is null ? null : GetUnresolvedProviderPathFromPSPath(Root);
}
