using System.Globalization;
using Microsoft.Data.Sqlite;

namespace NebulaGC.Server.Data.Stores;

/// <summary>The fencing epoch, the replicated data position and the replica registry.</summary>
public static class HaStore
{
    /// <summary>A counter every committed write moves; failover tools compare it across instances to find the most recent copy.</summary>
    public static long DataPosition(SqliteConnection c, SqliteTransaction? tx) =>
        Convert.ToInt64(c.Scalar("SELECT position FROM data_position WHERE id = 1;", tx), CultureInfo.InvariantCulture);

    public static void AdvanceDataPosition(SqliteConnection c, SqliteTransaction tx) =>
        c.Execute("UPDATE data_position SET position = position + 1 WHERE id = 1;", tx);

    public static HaStateRow State(SqliteConnection c, SqliteTransaction? tx) =>
        c.Query(tx, "SELECT epoch, master_instance_id, master_url FROM ha_state WHERE id = 1;",
            r => new HaStateRow(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2))).Single();

    public static void SetMaster(SqliteConnection c, SqliteTransaction tx, long epoch, string instanceId, string? url, DateTimeOffset at) =>
        c.Execute("UPDATE ha_state SET epoch = $epoch, master_instance_id = $id, master_url = $url, updated_at = $at WHERE id = 1;", tx,
            ("$epoch", epoch), ("$id", instanceId), ("$url", url), ("$at", at.ToDbTime()));

    /// <summary>Updates a known instance; returns false when it is not registered yet.</summary>
    public static bool TouchReplica(SqliteConnection c, SqliteTransaction tx, ReplicaRow replica) =>
        c.Execute("UPDATE replicas SET address = $addr, role = $role, last_seen_at = $seen WHERE instance_id = $id;", tx,
            ("$id", replica.InstanceId), ("$addr", replica.Address), ("$role", replica.Role), ("$seen", replica.LastSeenAt.ToDbTime())) == 1;

    /// <summary>Registers a new instance with the lowest free lighthouse slot up to <paramref name="maxSlot"/> (none when all are taken).</summary>
    public static void InsertReplica(SqliteConnection c, SqliteTransaction tx, ReplicaRow replica, int maxSlot) =>
        c.Execute("""
            INSERT INTO replicas (instance_id, address, role, last_seen_at, lighthouse_slot)
            VALUES ($id, $addr, $role, $seen,
                (SELECT MIN(slot) FROM (WITH RECURSIVE slots(slot) AS (SELECT 1 UNION ALL SELECT slot + 1 FROM slots WHERE slot < $max) SELECT slot FROM slots)
                 WHERE slot NOT IN (SELECT lighthouse_slot FROM replicas WHERE lighthouse_slot IS NOT NULL)));
            """, tx, ("$id", replica.InstanceId), ("$addr", replica.Address), ("$role", replica.Role), ("$seen", replica.LastSeenAt.ToDbTime()), ("$max", maxSlot));

    public static List<ReplicaRow> Replicas(SqliteConnection c) =>
        Replicas(c, null);

    public static List<ReplicaRow> Replicas(SqliteConnection c, SqliteTransaction? tx) =>
        c.Query(tx, "SELECT * FROM replicas ORDER BY instance_id;",
            r => new ReplicaRow(r.GetString(r.GetOrdinal("instance_id")), r.ReadNullableString("address"), r.GetString(r.GetOrdinal("role")), r.ReadTime("last_seen_at"),
                r.IsDBNull(r.GetOrdinal("lighthouse_slot")) ? null : r.GetInt32(r.GetOrdinal("lighthouse_slot"))));

    public static bool RemoveReplica(SqliteConnection c, SqliteTransaction tx, string instanceId) =>
        c.Execute("DELETE FROM replicas WHERE instance_id = $id;", tx, ("$id", instanceId)) == 1;

    public static int PruneReplicas(SqliteConnection c, SqliteTransaction tx, DateTimeOffset unseenSince) =>
        c.Execute("DELETE FROM replicas WHERE last_seen_at < $since;", tx, ("$since", unseenSince.ToDbTime()));
}
