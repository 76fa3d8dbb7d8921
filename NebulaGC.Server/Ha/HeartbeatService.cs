using System.Net.Http.Headers;
using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Observability;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Ha;

/// <summary>
/// Every heartbeat interval: a master checks it has not been fenced, records itself and refreshes the heartbeat-age
/// metrics; a replica re-reads the HA state and reports itself to the master over HTTP (it never writes its database).
/// </summary>
public sealed class HeartbeatService(
    ServerOptions options,
    RoleState role,
    HaCoordinator coordinator,
    ReplicaService replicas,
    HeartbeatSigner signer,
    ServerMetrics metrics,
    TimeProvider time,
    ILogger<HeartbeatService> logger) : BackgroundService
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly HashSet<string> _reportedInstances = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await BeatAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Heartbeat failed; retrying in {Interval}", options.HeartbeatInterval);
            }
        }
    }

    /// <summary>One heartbeat (also called directly by tests).</summary>
    public async Task BeatAsync(CancellationToken cancellation)
    {
        if (role.IsMaster && !coordinator.CheckFencing() && !await coordinator.CheckPeersAsync(cancellation))
        {
            replicas.Record(role.InstanceId, role.PublicUrl, "master");
            UpdateHeartbeatAges();
            return;
        }
        coordinator.Refresh();
        if (role.MasterUrl is { } masterUrl)
        {
            await ReportToMasterAsync(masterUrl, cancellation);
        }
    }

    private async Task ReportToMasterAsync(string masterUrl, CancellationToken cancellation)
    {
        var position = coordinator.DataPosition();
        var body = JsonSerializer.SerializeToUtf8Bytes(new HeartbeatRequest(role.InstanceId, role.PublicUrl, "replica", role.Epoch, position),
            ContractsJsonContext.Default.HeartbeatRequest);
        var (timestamp, signature) = signer.Sign(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(masterUrl.TrimEnd('/') + "/"), "v1/internal/heartbeat"))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add(HeartbeatSigner.TimestampHeader, timestamp);
        request.Headers.Add(HeartbeatSigner.SignatureHeader, signature);
        try
        {
            using var response = await Http.SendAsync(request, cancellation);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Heartbeat to master {MasterUrl} answered {Status}", masterUrl, (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            // An unreachable master is expected during failover; the registry entry ages until it answers again.
            logger.LogWarning("Heartbeat to master {MasterUrl} failed: {Error}", masterUrl, ex.Message);
        }
    }

    private void UpdateHeartbeatAges()
    {
        var now = time.GetUtcNow();
        var current = replicas.List().Instances;
        foreach (var instance in current)
        {
            metrics.HeartbeatAge.WithLabels(instance.InstanceId).Set(Math.Max(0, (now - instance.LastSeenAt).TotalSeconds));
        }
        foreach (var gone in _reportedInstances.Except(current.Select(i => i.InstanceId)).ToList())
        {
            metrics.HeartbeatAge.RemoveLabelled(gone);
            _reportedInstances.Remove(gone);
        }
        _reportedInstances.UnionWith(current.Select(i => i.InstanceId));
    }
}
