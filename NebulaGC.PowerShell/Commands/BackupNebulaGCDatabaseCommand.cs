using System.Management.Automation;
using NebulaGC.PowerShell.Backup;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Backup-NebulaGCDatabase: a consistent online copy of a live database with a metadata file beside it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Cmdlet(VerbsData.Backup, "NebulaGCDatabase", SupportsShouldProcess = true)]
[OutputType(typeof(BackupResult))]
public sealed class BackupNebulaGCDatabaseCommand : NebulaGCCmdlet
{
    /// <summary>The live database. Default: NEBULAGC_DB_PATH or /var/lib/nebulagc/nebulagc.db.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? DatabasePath { get; set; }

    /// <summary>The backup file, or an existing directory (the file is then named nebulagc-&lt;UTC time&gt;.db).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Destination { get; set; } = "";

    protected override void ProcessRecordCore()
    {
        var request = new BackupRequest(
            GetUnresolvedProviderPathFromPSPath(DatabasePath ?? OperateDefaults.DatabasePath),
            GetUnresolvedProviderPathFromPSPath(Destination));
        if (new DatabaseBackup(Reporter, TimeProvider.System).Run(request) is { } result)
        {
            WriteObject(result);
        }
    }
}
