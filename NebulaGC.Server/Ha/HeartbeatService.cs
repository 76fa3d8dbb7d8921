using NebulaGC.Server.Data;
using NebulaGC.Server.Observability;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Ha;

/// <summary>
/// Every <see cref="ReplicaService.HeartbeatInterval"/>: the master records itself in the registry; a replica re-reads
/// the HA state (it never writes its database).
/// </summary>
public sealed class HeartbeatService(Database database, RoleState role, ReplicaService replicas, ServerMetrics metrics, TimeProvider time,
    ILogger<HeartbeatService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ReplicaService.HeartbeatInterval, time);
        do
        {
            try
            {
                if (role.IsMaster)
                {
                    replicas.Record(role.InstanceId, role.PublicUrl, role.RoleName);
                }
                else
                {
                    HaStartup.Refresh(database, role);
                }
                metrics.Epoch.Set(role.Epoch);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Heartbeat failed; retrying in {Interval}", ReplicaService.HeartbeatInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
