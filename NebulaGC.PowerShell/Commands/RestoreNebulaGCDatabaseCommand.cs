using System.Management.Automation;
using NebulaGC.PowerShell.Backup;
using NebulaGC.PowerShell.Operations;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Restore-NebulaGCDatabase: from a backup file or a Litestream replica, checked first, the current database kept aside.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Cmdlet(VerbsData.Restore, "NebulaGCDatabase", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = FromBackup)]
[OutputType(typeof(RestoreResult))]
public sealed class RestoreNebulaGCDatabaseCommand : NebulaGCCmdlet
{
    private const string FromBackup = "Backup";
    private const string FromLitestream = "Litestream";

    /// <summary>A backup made by Backup-NebulaGCDatabase (its .json metadata, when present, is checked).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = FromBackup, ValueFromPipelineByPropertyName = true)]
    public string Path { get; set; } = "";

    /// <summary>The litestream.yml naming the database and its replica; credentials come from the environment.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FromLitestream)]
    public string LitestreamConfig { get; set; } = "";

    /// <summary>Point in time: the state the replica held at this moment.</summary>
    [Parameter(ParameterSetName = FromLitestream)]
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The replica's name in litestream.yml, when it has several.</summary>
    [Parameter(ParameterSetName = FromLitestream)]
    public string? Replica { get; set; }

    /// <summary>An empty replica (first boot) is not an error: nothing is restored.</summary>
    [Parameter(ParameterSetName = FromLitestream)]
    public SwitchParameter AllowEmptyReplica { get; set; }

    [Parameter(ParameterSetName = FromLitestream)]
    public string LitestreamPath { get; set; } = "litestream";

    /// <summary>The database to replace. Default: NEBULAGC_DB_PATH or /var/lib/nebulagc/nebulagc.db.</summary>
    [Parameter]
    public string? DatabasePath { get; set; }

    /// <summary>Replace a database a running server uses: stop -Service, restore, start it, wait for readyz.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public string Service { get; set; } = OperateDefaults.ServerService;

    /// <summary>Where -Force waits for /v1/readyz. Default: http://NEBULAGC_LISTEN_ADDR or http://127.0.0.1:8080.</summary>
    [Parameter]
    public Uri? ReadyUrl { get; set; }

    protected override void ProcessRecordCore()
    {
        var source = ParameterSetName == FromBackup
            ? new RestoreSource(GetUnresolvedProviderPathFromPSPath(Path), null)
            : new RestoreSource(null, GetUnresolvedProviderPathFromPSPath(LitestreamConfig), Timestamp, Replica);
        var request = new RestoreRequest(GetUnresolvedProviderPathFromPSPath(DatabasePath ?? OperateDefaults.DatabasePath), source, Force, Service,
            ReadyUrl ?? OperateDefaults.LocalUrl, AllowEmptyReplica);
        var restore = new DatabaseRestore(Reporter, TimeProvider.System, new SystemdServiceControl(), new LitestreamCli(LitestreamPath));
        if (restore.Run(request, StopToken) is { } result)
        {
            WriteObject(result);
        }
    }
}
