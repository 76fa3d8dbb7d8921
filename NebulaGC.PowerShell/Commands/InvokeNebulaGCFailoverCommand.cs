using System.Management.Automation;
using NebulaGC.PowerShell.Backup;
using NebulaGC.PowerShell.Failover;
using NebulaGC.PowerShell.Instances;
using NebulaGC.PowerShell.Operations;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Invoke-NebulaGCFailover: promote a replica (shared database / LiteFS) or restore-and-promote a standby (Litestream).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Cmdlet(VerbsLifecycle.Invoke, "NebulaGCFailover", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(FailoverReport))]
public sealed class InvokeNebulaGCFailoverCommand : NebulaGCCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public FailoverMode Mode { get; set; }

    /// <summary>The URL of the instance that becomes master (this host's server).</summary>
    [Parameter]
    public Uri? TargetUrl { get; set; }

    /// <summary>The target's admin socket. Default: NEBULAGC_ADMIN_SOCKET or /run/nebulagc/admin.sock.</summary>
    [Parameter]
    public string? AdminSocket { get; set; }

    /// <summary>The other instances (the old master among them).</summary>
    [Parameter]
    public Uri[] PeerUrl { get; set; } = [];

    /// <summary>Admin sockets of the peers, in the order of -PeerUrl (only for peers on this host): those are demoted directly.</summary>
    [Parameter]
    public string[] PeerAdminSocket { get; set; } = [];

    /// <summary>Litestream mode: the standby's database. Default: NEBULAGC_DB_PATH or /var/lib/nebulagc/nebulagc.db.</summary>
    [Parameter]
    public string? DatabasePath { get; set; }

    [Parameter]
    public string? LitestreamConfig { get; set; }

    [Parameter]
    public string ServerService { get; set; } = OperateDefaults.ServerService;

    /// <summary>Litestream mode: the replicate unit started on the new master (empty: do not start one).</summary>
    [Parameter]
    public string LitestreamService { get; set; } = OperateDefaults.LitestreamService;

    [Parameter]
    public string LitestreamPath { get; set; } = "litestream";

    /// <summary>The old master's last data position (from Get-NebulaGCInstance before it was lost): the report counts writes lost.</summary>
    [Parameter]
    public long? LastKnownDataPosition { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSeconds { get; set; } = 60;

    protected override void ProcessRecordCore()
    {
        if (PeerAdminSocket.Length > PeerUrl.Length)
        {
            throw new NebulaGCException(ErrorIds.FailoverInvalidRequest, "-PeerAdminSocket pairs with -PeerUrl by position: give no more sockets than URLs", PeerAdminSocket);
        }
        var peers = PeerUrl.Select((u, i) => new InstanceEndpoint(u, i < PeerAdminSocket.Length ? PeerAdminSocket[i] : null)).ToList();
        var request = new FailoverRequest(Mode, new InstanceEndpoint(TargetUrl ?? OperateDefaults.LocalUrl, AdminSocket ?? OperateDefaults.AdminSocket), peers,
            GetUnresolvedProviderPathFromPSPath(DatabasePath ?? OperateDefaults.DatabasePath),
            LitestreamConfig is null ? null : GetUnresolvedProviderPathFromPSPath(LitestreamConfig), ServerService,
            LitestreamService.Length == 0 ? null : LitestreamService, LastKnownDataPosition, TimeSpan.FromSeconds(TimeoutSeconds));
        var services = new SystemdServiceControl();
        var engine = new FailoverEngine(Reporter, TimeProvider.System, services,
            new DatabaseRestore(Reporter, TimeProvider.System, services, new LitestreamCli(LitestreamPath)));
        WriteObject(PipelineThread.Run(() => engine.RunAsync(request, StopToken)));
    }
}
