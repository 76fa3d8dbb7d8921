using NebulaGC.Client.Contracts;
using NebulaGC.Server.Data;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Services;

/// <summary>The registry of control-plane instances, keyed by their stable instance id.</summary>
public sealed class ReplicaService(Database database, TimeProvider time)
{
    /// <summary>How often an instance reports itself.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>An instance is healthy while its last heartbeat is younger than three intervals.</summary>
    public static readonly TimeSpan HealthyWithin = HeartbeatInterval * 3;

    /// <summary>Entries unseen this long are pruned, by the master only.</summary>
    public static readonly TimeSpan PruneAfter = TimeSpan.FromMinutes(5);

    public ReplicasResponse List()
    {
        var now = time.GetUtcNow();
        return new ReplicasResponse(database.Read(HaStore.Replicas)
            .Select(r => new ReplicaInstance(r.InstanceId, r.Address, r.Role, r.LastSeenAt, now - r.LastSeenAt <= HealthyWithin))
            .ToList());
    }

    /// <summary>Removes a decommissioned instance from the registry (master only).</summary>
    public void Remove(string instanceId) => database.Write((c, tx) =>
        HaStore.RemoveReplica(c, tx, instanceId) ? true : throw new NotFound($"instance '{instanceId}' is not in the registry"));

    /// <summary>Upserts an instance (master-side) and prunes the ones gone for <see cref="PruneAfter"/>.</summary>
    public void Record(string instanceId, string? address, string role)
    {
        var now = time.GetUtcNow();
        database.Write((c, tx) =>
        {
            HaStore.UpsertReplica(c, tx, new ReplicaRow(instanceId, address, role, now));
            return HaStore.PruneReplicas(c, tx, now - PruneAfter);
        });
    }
}
