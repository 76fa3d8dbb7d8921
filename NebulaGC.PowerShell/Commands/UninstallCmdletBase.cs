using System.Management.Automation;
using NebulaGC.PowerShell.Install;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Uninstall-NebulaGCServer and Uninstall-NebulaGCDaemon: the same removal, of one component.</summary>
public abstract class UninstallCmdletBase : HostCmdletBase
{
    /// <summary>Also delete the data, secrets and credentials.</summary>
    [Parameter]
    [RenderInput]
    public SwitchParameter RemoveData { get; set; }

    protected abstract InstallComponent Component { get; }

    protected override void ProcessRecordCore() =>
        WriteObject(new Uninstaller(new Systemctl(), Reporter).Uninstall(new UninstallRequest
        {
            Component = Component,
            Settings = BuildSettings(),
            Root = RootDirectory,
            RemoveData = RemoveData,
        }));
}
