using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCComposeFile: docker-compose.yml for the Single, Litestream or LiteFS topology.</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCComposeFile", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCComposeFileCommand : ReplicaRenderCmdletBase
{
    [Parameter(Mandatory = true)]
    public Topology Topology { get; set; }

    [Parameter]
    public string? Image { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter]
    [ValidateRange(0, 65535)]
    public int MetricsPort { get; set; }

    [Parameter]
    [ValidateRange(1, 9)]
    public int LiteFSReplicas { get; set; }

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context)
    {
        ApplyReplicaParameters(context.Settings);
        return ContainerRenderer.RenderCompose(context, Topology);
    }
}
