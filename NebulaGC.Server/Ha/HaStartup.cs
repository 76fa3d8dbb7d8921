using NebulaGC.Server.Data;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Observability;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Ha;

/// <summary>What an instance does with the database before it serves: the master migrates and records itself; a replica only reads.</summary>
public static class HaStartup
{
    public static void Prepare(Database database, RoleState role, ServerMetrics metrics, TimeProvider time)
    {
        if (role.IsMaster)
        {
            Migrator.Apply(database, time);
            var state = database.Write((c, tx) =>
            {
                var current = HaStore.State(c, tx);
                if (current.MasterInstanceId == role.InstanceId && current.MasterUrl == role.PublicUrl)
                {
                    return current;
                }
                // A different instance starting as master is a promotion: a new epoch fences the previous one.
                var epoch = current.MasterInstanceId == role.InstanceId ? current.Epoch : current.Epoch + 1;
                HaStore.SetMaster(c, tx, epoch, role.InstanceId, role.PublicUrl, time.GetUtcNow());
                return current with { Epoch = epoch, MasterInstanceId = role.InstanceId, MasterUrl = role.PublicUrl };
            });
            role.Observe(state.Epoch, state.MasterUrl);
        }
        else
        {
            Migrator.RequireCurrent(database);
            Refresh(database, role);
        }
        metrics.IsMaster.Set(role.IsMaster ? 1 : 0);
        metrics.Epoch.Set(role.Epoch);
    }

    /// <summary>Re-reads the epoch and master URL (a replica learns where writes go).</summary>
    public static void Refresh(Database database, RoleState role)
    {
        var state = database.Read(c => HaStore.State(c, null));
        role.Observe(state.Epoch, state.MasterUrl);
    }
}
