using System.Management.Automation;
using NebulaGC.PowerShell.Install;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Uninstall-NebulaGCServer: stops, disables and removes the unit and the command; data, secrets and credentials stay unless -RemoveData.</summary>
[Cmdlet(VerbsLifecycle.Uninstall, "NebulaGCServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(InstallReport))]
public sealed class UninstallNebulaGCServerCommand : UninstallCmdletBase
{
    [Parameter]
    public string? DataDir { get; set; }

    [Parameter]
    public ServerRole Role { get; set; }

    protected override InstallComponent Component => InstallComponent.Server;
}
