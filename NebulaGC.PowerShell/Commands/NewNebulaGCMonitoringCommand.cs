using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCMonitoring: Prometheus alert rules with promtool tests, and a Grafana dashboard.</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCMonitoring", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCMonitoringCommand : RenderCmdletBase
{
    /// <summary>Add LiteFS alert rules (LiteFS topology).</summary>
    [Parameter]
    [RenderInput]
    public SwitchParameter IncludeLiteFS { get; set; }

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context) =>
        MonitoringRenderer.Render(context, IncludeLiteFS);
}
