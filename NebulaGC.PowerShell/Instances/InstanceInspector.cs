using NebulaGC.Client.Contracts;

namespace NebulaGC.PowerShell.Instances;

/// <summary>Where to reach one instance: its base URL, its admin Unix socket (local only), or both.</summary>
public sealed record InstanceEndpoint(Uri? Url, string? AdminSocket)
{
    public string Name => Url?.ToString().TrimEnd('/') ?? AdminSocket ?? "";
}

/// <summary>
/// One control-plane instance as <c>Get-NebulaGCInstance</c> shows it. An instance that did not answer is a row with
/// <see cref="Error"/> set and the rest unknown (null), never an exception.
/// </summary>
/// <param name="DataPosition">A counter every committed write moves (admin socket only); equal positions mean caught up.</param>
/// <param name="ReplicationLagSeconds">Seconds since the master last heard this replica's heartbeat (the master's registry).</param>
public sealed record NebulaGCInstance(
    string Endpoint,
    string? Url,
    string? AdminSocket,
    string? InstanceId,
    string? Role,
    bool? IsMaster,
    long? Epoch,
    long? DataPosition,
    string? MasterInstanceId,
    int? SchemaVersion,
    bool Healthy,
    bool? Ready,
    string? ReadinessProblem,
    string? Version,
    double? ReplicationLagSeconds,
    string? Error)
{
    public const string TypeName = "NebulaGC.Instance";
}

/// <summary>Asks every endpoint at once what it is; see <see cref="NebulaGCInstance"/>.</summary>
public sealed class InstanceInspector(TimeSpan timeout, TimeProvider time)
{
    public async Task<IReadOnlyList<NebulaGCInstance>> InspectAsync(IReadOnlyList<InstanceEndpoint> endpoints, CancellationToken cancellation)
    {
        var rows = await Task.WhenAll(endpoints.Select(e => InspectOneAsync(e, cancellation)));
        var lags = await HeartbeatAgesAsync(endpoints, rows, cancellation);
        return rows.Select(r => r.InstanceId is { } id && r.IsMaster == false && lags.TryGetValue(id, out var lag) ? r with { ReplicationLagSeconds = lag } : r).ToList();
    }

    /// <summary>
    /// As <see cref="InspectAsync"/>, then one row per instance: a URL and an admin socket that turn out to be the same
    /// instance (same instance id) become one row holding what both told.
    /// </summary>
    public async Task<IReadOnlyList<NebulaGCInstance>> InspectMergedAsync(IReadOnlyList<InstanceEndpoint> endpoints, CancellationToken cancellation)
    {
        var merged = new List<NebulaGCInstance>();
        foreach (var row in await InspectAsync(endpoints, cancellation))
        {
            var same = row.InstanceId is null ? -1 : merged.FindIndex(m => m.InstanceId == row.InstanceId);
            if (same < 0)
            {
                merged.Add(row);
                continue;
            }
            var m = merged[same];
            merged[same] = m with
            {
                Endpoint = m.Url is null ? row.Endpoint : m.Endpoint, Url = m.Url ?? row.Url, AdminSocket = m.AdminSocket ?? row.AdminSocket,
                Role = m.Role ?? row.Role, DataPosition = m.DataPosition ?? row.DataPosition, MasterInstanceId = m.MasterInstanceId ?? row.MasterInstanceId,
                SchemaVersion = m.SchemaVersion ?? row.SchemaVersion, Ready = m.Ready ?? row.Ready, ReadinessProblem = m.ReadinessProblem ?? row.ReadinessProblem,
                Version = m.Version ?? row.Version, ReplicationLagSeconds = m.ReplicationLagSeconds ?? row.ReplicationLagSeconds,
                Error = m.Error is null || row.Error is null ? m.Error ?? row.Error : $"{m.Error}; {row.Error}",
            };
        }
        return merged;
    }

    public async Task<NebulaGCInstance> InspectOneAsync(InstanceEndpoint endpoint, CancellationToken cancellation)
    {
        using var client = new InstanceClient(endpoint.Url, endpoint.AdminSocket, timeout);
        var row = new NebulaGCInstance(endpoint.Name, endpoint.Url?.ToString(), endpoint.AdminSocket, null, null, null, null, null, null, null, false, null, null, null, null, null);
        var errors = new List<string>();
        if (endpoint.AdminSocket is not null)
        {
            try
            {
                var ha = await client.HaStatusAsync(cancellation);
                var status = await client.StatusAsync(cancellation);
                row = row with
                {
                    InstanceId = ha.InstanceId, Role = ha.Role, IsMaster = ha.Master, Epoch = ha.Epoch, DataPosition = ha.DataPosition,
                    MasterInstanceId = ha.MasterInstanceId, SchemaVersion = ha.SchemaVersion, Version = status.Version, Healthy = true,
                };
            }
            catch (Exception e) when (IsUnreachable(e, cancellation))
            {
                errors.Add($"admin socket '{endpoint.AdminSocket}': {Describe(e)}");
            }
        }
        if (endpoint.Url is not null)
        {
            try
            {
                var master = await client.CheckMasterAsync(cancellation);
                row = row with { InstanceId = master.InstanceId, IsMaster = master.Master, Epoch = master.Epoch, Role = row.Role ?? (master.Master ? "master" : "replica"), Healthy = true };
                var problem = await client.ReadinessProblemAsync(cancellation);
                row = row with { Ready = problem is null, ReadinessProblem = problem };
            }
            catch (Exception e) when (IsUnreachable(e, cancellation))
            {
                errors.Add($"{endpoint.Url}: {Describe(e)}");
            }
        }
        return errors.Count == 0 ? row : row with { Error = string.Join("; ", errors) };
    }

    /// <summary>The master's registry tells how long ago each replica last reported (its heartbeat age).</summary>
    private async Task<Dictionary<string, double>> HeartbeatAgesAsync(IReadOnlyList<InstanceEndpoint> endpoints, NebulaGCInstance[] rows, CancellationToken cancellation)
    {
        var master = endpoints.Zip(rows).FirstOrDefault(p => p.Second.IsMaster == true && p.First.Url is not null).First;
        if (master is null)
        {
            return [];
        }
        using var client = new InstanceClient(master.Url, null, timeout);
        try
        {
            var replicas = await client.ReplicasAsync(cancellation);
            var now = time.GetUtcNow();
            return replicas.Instances.ToDictionary(i => i.InstanceId, i => Math.Round((now - i.LastSeenAt).TotalSeconds, 1));
        }
        catch (Exception e) when (IsUnreachable(e, cancellation))
        {
            return [];
        }
    }

    internal static bool IsUnreachable(Exception e, CancellationToken cancellation) =>
        e is HttpRequestException or InstanceRequestException or System.Text.Json.JsonException or IOException
        || (e is TaskCanceledException && !cancellation.IsCancellationRequested);

    internal static string Describe(Exception e) => e is TaskCanceledException ? "no answer (timed out)" : e.Message;
}
