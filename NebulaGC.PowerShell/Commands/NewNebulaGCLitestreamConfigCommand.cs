using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCLitestreamConfig: litestream.yml in the 0.3 or 0.5 dialect, credentials only as env references.</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCLitestreamConfig", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCLitestreamConfigCommand : ReplicaRenderCmdletBase
{
    /// <summary>The database to replicate; default: the settings' DataDir/DbFileName.</summary>
    [Parameter]
    [RenderInput]
    public string? DatabasePath { get; set; }

    [Parameter]
    public string? DataDir { get; set; }

    [Parameter]
    public string? SyncInterval { get; set; }

    [Parameter]
    public string? Retention { get; set; }

    [Parameter]
    public string? SnapshotInterval { get; set; }

    [Parameter]
    public string? LitestreamMetricsAddr { get; set; }

    protected override IReadOnlyList<string> TemplateFolders => ["litestream"];

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context) =>
        LitestreamRenderer.Render(context, DatabasePath);
}
