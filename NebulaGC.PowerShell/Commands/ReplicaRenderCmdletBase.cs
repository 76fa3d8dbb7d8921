using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Render cmdlets that may write a litestream.yml (Litestream config, Kubernetes and compose topologies) share
/// the replica parameters: one replica per -Replica type, all with the same bucket/endpoint settings. A values
/// file's Replicas list can instead give each replica its own settings. They are render inputs because
/// <see cref="ApplyCmdletParameters"/> turns them into the Replicas setting, not one setting each.
/// </summary>
public abstract class ReplicaRenderCmdletBase : RenderCmdletBase
{
    [Parameter]
    [RenderInput]
    public ReplicaType[]? Replica { get; set; }

    [Parameter]
    [ValidateSet("0.3", "0.5")]
    public string? LitestreamVersion { get; set; }

    [Parameter]
    [RenderInput]
    public string? Bucket { get; set; }

    [Parameter]
    [RenderInput]
    public string? ReplicaPath { get; set; }

    [Parameter]
    [RenderInput]
    public string? Endpoint { get; set; }

    [Parameter]
    [RenderInput]
    public string? Region { get; set; }

    [Parameter]
    [RenderInput]
    public string? AccountName { get; set; }

    [Parameter]
    [RenderInput]
    public string? SftpHost { get; set; }

    [Parameter]
    [RenderInput]
    public string? SftpUser { get; set; }

    [Parameter]
    [RenderInput]
    public SwitchParameter ForcePathStyle { get; set; }

    /// <summary>Replaces the settings' replicas with one per -Replica type, when -Replica was given.</summary>
    protected override void ApplyCmdletParameters(SettingsBinder binder)
    {
        if (Replica is null || Replica.Length == 0)
        {
            var stray = new[] { nameof(Bucket), nameof(ReplicaPath), nameof(Endpoint), nameof(Region), nameof(AccountName), nameof(SftpHost), nameof(SftpUser), nameof(ForcePathStyle) }
                .FirstOrDefault(MyInvocation.BoundParameters.ContainsKey);
            if (stray is not null)
            {
                throw new NebulaGCException(ErrorIds.SettingNotUsed, $"-{stray} describes a replica: pass -Replica (S3, GCS, ABS, SFTP, File) with it", stray);
            }
            return;
        }
        CheckReplicaParameter(nameof(Endpoint), Endpoint, ValueKind.OptionalUrl);
        CheckReplicaParameter(nameof(SftpHost), SftpHost, ValueKind.OptionalHostPort);
        binder.MarkGiven(nameof(DeploymentSettings.Replicas), "parameter -Replica");
        binder.Settings.Replicas = Replica.Select(t => new ReplicaSettings
        {
            Type = t,
            Bucket = Bucket ?? "",
            Path = ReplicaPath ?? (t == ReplicaType.File ? "/var/lib/litestream/nebulagc" : "nebulagc"),
            Endpoint = Endpoint ?? "",
            Region = Region ?? "",
            AccountName = AccountName ?? "",
            Host = SftpHost ?? "",
            User = SftpUser ?? "",
            ForcePathStyle = ForcePathStyle,
        }).ToList();
    }

    private static void CheckReplicaParameter(string name, string? value, ValueKind kind)
    {
        if (value is not null && ValueKinds.Check(kind, value) is { } expected)
        {
            throw ValueKinds.Invalid(new ValueLocation($"parameter -{name}"), $"-{name}", $"'{value}'", expected);
        }
    }
}
