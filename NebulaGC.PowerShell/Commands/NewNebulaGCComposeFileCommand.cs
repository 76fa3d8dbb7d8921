using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCComposeFile: docker-compose.yml for the Single, Litestream or LiteFS topology.</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCComposeFile", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCComposeFileCommand : TopologyRenderCmdletBase
{
    protected override IReadOnlyList<string> TemplateFolders => ["compose", "litestream", "litefs"];

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context) =>
        ContainerRenderer.RenderCompose(context, SelectedTopology(context.Settings));
}
