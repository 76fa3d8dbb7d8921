using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCK8sManifest: a kustomize base for the Single, Litestream or LiteFS topology.</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCK8sManifest", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCK8sManifestCommand : TopologyRenderCmdletBase
{
    [Parameter]
    public string? Namespace { get; set; }

    [Parameter]
    public string? DaemonNamespace { get; set; }

    [Parameter]
    public string? DaemonImage { get; set; }

    [Parameter]
    public ServiceType ServiceType { get; set; }

    [Parameter]
    public string? StorageSize { get; set; }

    [Parameter]
    public string? StorageClass { get; set; }

    [Parameter]
    public string? TunResource { get; set; }

    [Parameter]
    public string? ConsulUrl { get; set; }

    protected override IReadOnlyList<string> TemplateFolders => ["k8s", "litestream", "litefs"];

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context) =>
        K8sRenderer.Render(context, SelectedTopology(context.Settings));
}
