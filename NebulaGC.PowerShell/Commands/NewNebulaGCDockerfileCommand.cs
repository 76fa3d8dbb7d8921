using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCDockerfile: a multi-stage Native AOT Dockerfile for the server or the daemon.</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCDockerfile", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCDockerfileCommand : ServerRenderCmdletBase
{
    [Parameter(Mandatory = true)]
    [RenderInput]
    public ContainerComponent Component { get; set; }

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context) =>
        ContainerRenderer.RenderDockerfile(context, Component);
}
