using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCLitestreamConfig: litestream.yml in the 0.3 or 0.5 dialect, credentials only as env references.</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCLitestreamConfig", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCLitestreamConfigCommand : RenderCmdletBase
{
    [Parameter]
    public ReplicaType[]? Replica { get; set; }

    [Parameter]
    [ValidateSet("0.3", "0.5")]
    public string? LitestreamVersion { get; set; }

    [Parameter]
    public string? Bucket { get; set; }

    [Parameter]
    public string? ReplicaPath { get; set; }

    [Parameter]
    public string? Endpoint { get; set; }

    [Parameter]
    public string? Region { get; set; }

    [Parameter]
    public string? AccountName { get; set; }

    [Parameter]
    public string? SftpHost { get; set; }

    [Parameter]
    public string? SftpUser { get; set; }

    [Parameter]
    public SwitchParameter ForcePathStyle { get; set; }

    /// <summary>The database to replicate; default: the settings' DataDir/DbFileName.</summary>
    [Parameter]
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

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context)
    {
        ReplicaParameters.Apply(context.Settings, Replica, Bucket, ReplicaPath, Endpoint, Region, AccountName, SftpHost, SftpUser, ForcePathStyle);
        return LitestreamRenderer.Render(context, DatabasePath);
    }
}
