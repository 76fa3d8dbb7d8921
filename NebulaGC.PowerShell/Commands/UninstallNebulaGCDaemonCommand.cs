using System.Management.Automation;
using NebulaGC.PowerShell.Install;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Uninstall-NebulaGCDaemon: stops, disables and removes the unit and the command; data, secrets and credentials stay unless -RemoveData.</summary>
[Cmdlet(VerbsLifecycle.Uninstall, "NebulaGCDaemon", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(InstallReport))]
public sealed class UninstallNebulaGCDaemonCommand : SettingsCmdletBase
{
    /// <summary>Also delete the data, secrets and credentials.</summary>
    [Parameter]
    [RenderInput]
    public SwitchParameter RemoveData { get; set; }

    [Parameter]
    public string? ConfigDir { get; set; }

    [Parameter]
    public string? BinDir { get; set; }

    [Parameter]
    [RenderInput]
    public string? Root { get; set; }

    protected override void ProcessRecordCore() =>
        WriteObject(new Uninstaller(new Systemctl(), Reporter).Uninstall(new UninstallRequest
        {
            Component = InstallComponent.Daemon,
            Settings = BuildSettings(),
            Root = Root is null ? null : GetUnresolvedProviderPathFromPSPath(Root),
            RemoveData = RemoveData,
        }));
}
