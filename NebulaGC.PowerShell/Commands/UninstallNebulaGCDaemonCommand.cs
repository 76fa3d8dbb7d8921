using System.Management.Automation;
using NebulaGC.PowerShell.Install;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Uninstall-NebulaGCDaemon: stops, disables and removes the unit and the command; data, secrets and credentials stay unless -RemoveData.</summary>
[Cmdlet(VerbsLifecycle.Uninstall, "NebulaGCDaemon", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(InstallReport))]
public sealed class UninstallNebulaGCDaemonCommand : UninstallCmdletBase
{
    protected override InstallComponent Component => InstallComponent.Daemon;
}
