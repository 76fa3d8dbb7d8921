using System.Management.Automation;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Render cmdlets for one server host or image (systemd, Dockerfile): its ports and data directory.
/// <see cref="TopologyRenderCmdletBase"/> declares the ports a second time because C# has one base class and the
/// Litestream config cmdlet shares the replica parameters but has no port; a test checks both bind the same settings.
/// </summary>
public abstract class ServerRenderCmdletBase : RenderCmdletBase
{
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter]
    [ValidateRange(0, 65535)]
    public int MetricsPort { get; set; }

    [Parameter]
    public string? DataDir { get; set; }
}
