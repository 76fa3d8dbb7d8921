using NebulaGC.Client.Contracts;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Ipam;

namespace NebulaGC.Server.Services;

/// <summary>The registry of control-plane instances, keyed by their stable instance id.</summary>
public sealed class ReplicaService(ServiceContext context)
{
    /// <summary>An instance is healthy while its last heartbeat is younger than three default heartbeat intervals (30 s).</summary>
    public static readonly TimeSpan HealthyWithin = TimeSpan.FromSeconds(30);

    /// <summary>Entries unseen this long are pruned, by the master only.</summary>
    public static readonly TimeSpan PruneAfter = TimeSpan.FromMinutes(5);

    public ReplicasResponse List()
    {
        var now = context.Time.GetUtcNow();
        return new ReplicasResponse(context.Database.Read(HaStore.Replicas)
            .Select(r => new ReplicaInstance(r.InstanceId, r.Address, r.Role, r.LastSeenAt, now - r.LastSeenAt <= HealthyWithin))
            .ToList());
    }

    /// <summary>Removes a decommissioned instance from the registry (master only).</summary>
    public void Remove(string instanceId) => context.ChangeControlPlaneMembership((c, tx) =>
        HaStore.RemoveReplica(c, tx, instanceId) ? true : throw new InstanceNotRegistered(instanceId));

    /// <summary>
    /// Upserts an instance (master-side) and prunes the ones gone for <see cref="PruneAfter"/>. A new or pruned instance
    /// changes the control-plane lighthouses every lighthouse-served cluster's nodes know, so those versions move.
    /// </summary>
    public void Record(string instanceId, string? address, string role)
    {
        var now = context.Time.GetUtcNow();
        var row = new ReplicaRow(instanceId, address, role, now);
        context.ChangeControlPlaneMembership((c, tx) =>
        {
            var joined = !HaStore.TouchReplica(c, tx, row);
            if (joined)
            {
                HaStore.InsertReplica(c, tx, row, OverlayNetwork.ReservedHostCount);
            }
            return joined | HaStore.PruneReplicas(c, tx, now - PruneAfter) > 0;
        });
    }
}
