using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCDockerfile: a multi-stage Native AOT Dockerfile for the server or the daemon.</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCDockerfile", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCDockerfileCommand : RenderCmdletBase
{
    [Parameter(Mandatory = true)]
    public ContainerComponent Component { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter]
    [ValidateRange(0, 65535)]
    public int MetricsPort { get; set; }

    [Parameter]
    public string? DataDir { get; set; }

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context) =>
        ContainerRenderer.RenderDockerfile(context, Component);
}
