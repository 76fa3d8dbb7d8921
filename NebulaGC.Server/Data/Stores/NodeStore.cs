using System.Globalization;
using Microsoft.Data.Sqlite;

namespace NebulaGC.Server.Data.Stores;

/// <summary>Nodes, always addressed within one cluster: another cluster's node looks exactly like a missing one.</summary>
public static class NodeStore
{
    public static void Insert(SqliteConnection c, SqliteTransaction tx, NodeRow node) =>
        c.Execute("""
            INSERT INTO nodes (node_id, cluster_id, tenant_id, name, token_hash, is_admin, mtu, overlay_ip, groups_json, routes_json, approved_routes_json,
                               is_lighthouse, public_ip, lighthouse_port, is_relay, created_at)
            VALUES ($id, $cluster, $tenant, $name, $hash, $admin, $mtu, $ip, $groups, $routes, $approved, $lh, $pub, $lhport, $relay, $at);
            """, tx,
            ("$id", node.NodeId.ToDbId()), ("$cluster", node.ClusterId.ToDbId()), ("$tenant", node.TenantId.ToDbId()),
            ("$name", node.Name), ("$hash", node.TokenHash), ("$admin", node.IsAdmin ? 1 : 0), ("$mtu", node.Mtu),
            ("$ip", node.OverlayIp), ("$groups", StoreJsonContext.ToJson(node.Groups)), ("$routes", StoreJsonContext.ToJson(node.Routes)),
            ("$approved", StoreJsonContext.ToJson(node.ApprovedRoutes)),
            ("$lh", node.IsLighthouse ? 1 : 0), ("$pub", node.PublicIp), ("$lhport", node.LighthousePort), ("$relay", node.IsRelay ? 1 : 0),
            ("$at", node.CreatedAt.ToDbTime()));

    public static NodeRow? Find(SqliteConnection c, SqliteTransaction? tx, Guid clusterId, Guid nodeId) =>
        c.Query(tx, "SELECT * FROM nodes WHERE cluster_id = $cluster AND node_id = $id;", Map,
            ("$cluster", clusterId.ToDbId()), ("$id", nodeId.ToDbId())).FirstOrDefault();

    public static bool NameExists(SqliteConnection c, SqliteTransaction? tx, Guid clusterId, string name) =>
        c.Scalar("SELECT 1 FROM nodes WHERE cluster_id = $cluster AND name = $name;", tx, ("$cluster", clusterId.ToDbId()), ("$name", name)) is not null;

    public static int Count(SqliteConnection c, Guid clusterId) =>
        Convert.ToInt32(c.Scalar("SELECT COUNT(*) FROM nodes WHERE cluster_id = $cluster;", null, ("$cluster", clusterId.ToDbId())), CultureInfo.InvariantCulture);

    /// <summary>A page of the cluster's nodes in creation (rowid) order; <paramref name="page"/> is 1-based.</summary>
    public static List<NodeRow> Page(SqliteConnection c, Guid clusterId, int page, int pageSize) =>
        c.Query(null, "SELECT * FROM nodes WHERE cluster_id = $cluster ORDER BY rowid LIMIT $limit OFFSET $offset;", Map,
            ("$cluster", clusterId.ToDbId()), ("$limit", pageSize), ("$offset", (long)(page - 1) * pageSize));

    public static List<NodeRow> All(SqliteConnection c, SqliteTransaction? tx, Guid clusterId) =>
        c.Query(tx, "SELECT * FROM nodes WHERE cluster_id = $cluster ORDER BY rowid;", Map, ("$cluster", clusterId.ToDbId()));

    public static List<string> OverlayIps(SqliteConnection c, SqliteTransaction tx, Guid clusterId) =>
        c.Query(tx, "SELECT overlay_ip FROM nodes WHERE cluster_id = $cluster;", r => r.GetString(0), ("$cluster", clusterId.ToDbId()));

    public static void SetMtu(SqliteConnection c, SqliteTransaction tx, Guid clusterId, Guid nodeId, int mtu) =>
        c.Execute("UPDATE nodes SET mtu = $mtu WHERE cluster_id = $cluster AND node_id = $id;", tx,
            ("$mtu", mtu), ("$cluster", clusterId.ToDbId()), ("$id", nodeId.ToDbId()));

    public static void SetTokenHash(SqliteConnection c, SqliteTransaction tx, Guid clusterId, Guid nodeId, byte[] hash) =>
        c.Execute("UPDATE nodes SET token_hash = $hash WHERE cluster_id = $cluster AND node_id = $id;", tx,
            ("$hash", hash), ("$cluster", clusterId.ToDbId()), ("$id", nodeId.ToDbId()));

    public static void SetLighthouse(SqliteConnection c, SqliteTransaction tx, Guid clusterId, Guid nodeId, bool isLighthouse, string? publicIp, int? port) =>
        c.Execute("UPDATE nodes SET is_lighthouse = $lh, public_ip = $pub, lighthouse_port = $port WHERE cluster_id = $cluster AND node_id = $id;", tx,
            ("$lh", isLighthouse ? 1 : 0), ("$pub", publicIp), ("$port", port), ("$cluster", clusterId.ToDbId()), ("$id", nodeId.ToDbId()));

    public static void SetRelay(SqliteConnection c, SqliteTransaction tx, Guid clusterId, Guid nodeId, bool isRelay) =>
        c.Execute("UPDATE nodes SET is_relay = $relay WHERE cluster_id = $cluster AND node_id = $id;", tx,
            ("$relay", isRelay ? 1 : 0), ("$cluster", clusterId.ToDbId()), ("$id", nodeId.ToDbId()));

    /// <summary>Stores what the node advertises and which of it is approved (a subset).</summary>
    public static void SetRoutes(SqliteConnection c, SqliteTransaction tx, Guid clusterId, Guid nodeId, IReadOnlyList<string> advertised, IReadOnlyList<string> approved) =>
        c.Execute("UPDATE nodes SET routes_json = $routes, approved_routes_json = $approved WHERE cluster_id = $cluster AND node_id = $id;", tx,
            ("$routes", StoreJsonContext.ToJson(advertised)), ("$approved", StoreJsonContext.ToJson(approved)), ("$cluster", clusterId.ToDbId()), ("$id", nodeId.ToDbId()));

    public static bool Delete(SqliteConnection c, SqliteTransaction tx, Guid clusterId, Guid nodeId) =>
        c.Execute("DELETE FROM nodes WHERE cluster_id = $cluster AND node_id = $id;", tx, ("$cluster", clusterId.ToDbId()), ("$id", nodeId.ToDbId())) == 1;

    public static void Retire(SqliteConnection c, SqliteTransaction tx, Guid clusterId, string overlayIp, Guid nodeId, DateTimeOffset at, DateTimeOffset reusableAfter) =>
        c.Execute("""
            INSERT INTO retired_addresses (cluster_id, overlay_ip, node_id, retired_at, reusable_after) VALUES ($cluster, $ip, $node, $at, $after)
            ON CONFLICT (cluster_id, overlay_ip) DO UPDATE SET node_id = excluded.node_id, retired_at = excluded.retired_at, reusable_after = excluded.reusable_after;
            """, tx, ("$cluster", clusterId.ToDbId()), ("$ip", overlayIp), ("$node", nodeId.ToDbId()), ("$at", at.ToDbTime()), ("$after", reusableAfter.ToDbTime()));

    /// <summary>Addresses of deleted nodes that must not be handed out yet.</summary>
    public static List<string> RetiredIps(SqliteConnection c, SqliteTransaction tx, Guid clusterId, DateTimeOffset now) =>
        c.Query(tx, "SELECT overlay_ip FROM retired_addresses WHERE cluster_id = $cluster AND reusable_after > $now;", r => r.GetString(0),
            ("$cluster", clusterId.ToDbId()), ("$now", now.ToDbTime()));

    private static NodeRow Map(SqliteDataReader r) => new(
        r.ReadGuid("node_id"),
        r.ReadGuid("cluster_id"),
        r.ReadGuid("tenant_id"),
        r.GetString(r.GetOrdinal("name")),
        (byte[])r.GetValue(r.GetOrdinal("token_hash")),
        r.ReadBool("is_admin"),
        r.GetInt32(r.GetOrdinal("mtu")),
        r.GetString(r.GetOrdinal("overlay_ip")),
        StoreJsonContext.FromJson(r.GetString(r.GetOrdinal("groups_json"))),
        StoreJsonContext.FromJson(r.GetString(r.GetOrdinal("routes_json"))),
        StoreJsonContext.FromJson(r.GetString(r.GetOrdinal("approved_routes_json"))),
        r.ReadBool("is_lighthouse"),
        r.ReadNullableString("public_ip"),
        r.IsDBNull(r.GetOrdinal("lighthouse_port")) ? null : r.GetInt32(r.GetOrdinal("lighthouse_port")),
        r.ReadBool("is_relay"),
        r.ReadTime("created_at"));
}
