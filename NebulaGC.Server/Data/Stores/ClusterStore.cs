using System.Globalization;
using Microsoft.Data.Sqlite;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Data.Stores;

public static class ClusterStore
{
    public static void Insert(SqliteConnection c, SqliteTransaction tx, ClusterRow cluster) =>
        c.Execute("""
            INSERT INTO clusters (cluster_id, tenant_id, name, pki_mode, overlay_cidr, config_version, cluster_token_hash,
                                  provide_lighthouse, lighthouse_port, created_at)
            VALUES ($id, $tenant, $name, $pki, $cidr, $version, $hash, $lh, $lhport, $at);
            """, tx,
            ("$id", cluster.ClusterId.ToDbId()), ("$tenant", cluster.TenantId.ToDbId()), ("$name", cluster.Name),
            ("$pki", cluster.PkiMode.Name()), ("$cidr", cluster.OverlayCidr), ("$version", cluster.ConfigVersion),
            ("$hash", cluster.TokenHash), ("$lh", cluster.ProvideLighthouse ? 1 : 0), ("$lhport", cluster.LighthousePort),
            ("$at", cluster.CreatedAt.ToDbTime()));

    public static bool NameExists(SqliteConnection c, SqliteTransaction? tx, Guid tenantId, string name) =>
        c.Scalar("SELECT 1 FROM clusters WHERE tenant_id = $tenant AND name = $name;", tx, ("$tenant", tenantId.ToDbId()), ("$name", name)) is not null;

    public static ClusterRow? Find(SqliteConnection c, SqliteTransaction? tx, Guid clusterId) =>
        c.Query(tx, "SELECT * FROM clusters WHERE cluster_id = $id;", Map, ("$id", clusterId.ToDbId())).FirstOrDefault();

    public static List<ClusterRow> All(SqliteConnection c, SqliteTransaction? tx) =>
        c.Query(tx, "SELECT * FROM clusters;", Map);

    public static List<(ClusterRow Cluster, int NodeCount)> ListForTenant(SqliteConnection c, Guid tenantId) =>
        c.Query(null, """
            SELECT clusters.*, (SELECT COUNT(*) FROM nodes WHERE nodes.cluster_id = clusters.cluster_id) AS node_count
            FROM clusters WHERE tenant_id = $tenant ORDER BY created_at, cluster_id;
            """, r => (Map(r), r.GetInt32(r.GetOrdinal("node_count"))), ("$tenant", tenantId.ToDbId()));

    public static long Version(SqliteConnection c, SqliteTransaction? tx, Guid clusterId) =>
        Convert.ToInt64(c.Scalar("SELECT config_version FROM clusters WHERE cluster_id = $id;", tx, ("$id", clusterId.ToDbId())), CultureInfo.InvariantCulture);

    public static List<NebulaGC.Client.Contracts.ClusterVersion> Versions(SqliteConnection c) =>
        c.Query(null, "SELECT cluster_id, config_version FROM clusters ORDER BY cluster_id;",
            r => new NebulaGC.Client.Contracts.ClusterVersion(r.ReadGuid("cluster_id"), r.GetInt64(1)));

    /// <summary>Moves the version of every cluster the control plane serves as lighthouse (their configs list the instances).</summary>
    public static List<(Guid ClusterId, long Version)> BumpLighthouseClusters(SqliteConnection c, SqliteTransaction tx) =>
        c.Query(tx, "UPDATE clusters SET config_version = config_version + 1 WHERE provide_lighthouse = 1 RETURNING cluster_id, config_version;",
            r => (r.ReadGuid("cluster_id"), r.GetInt64(1)));

    public static List<ClusterRow> LighthouseClusters(SqliteConnection c) =>
        c.Query(null, "SELECT * FROM clusters WHERE provide_lighthouse = 1 ORDER BY cluster_id;", Map);

    /// <summary>Increments the cluster's config version inside the caller's transaction and returns the new value.</summary>
    public static long BumpVersion(SqliteConnection c, SqliteTransaction tx, Guid clusterId) =>
        Convert.ToInt64(c.Scalar("UPDATE clusters SET config_version = config_version + 1 WHERE cluster_id = $id RETURNING config_version;", tx,
            ("$id", clusterId.ToDbId())), CultureInfo.InvariantCulture);

    public static void ReplaceToken(SqliteConnection c, SqliteTransaction tx, Guid clusterId, byte[] newHash, byte[]? previousHash, DateTimeOffset? previousExpiresAt) =>
        c.Execute("""
            UPDATE clusters SET cluster_token_hash = $new, previous_token_hash = $prev, previous_token_expires_at = $exp
            WHERE cluster_id = $id;
            """, tx, ("$new", newHash), ("$prev", previousHash), ("$exp", previousExpiresAt?.ToDbTime()), ("$id", clusterId.ToDbId()));

    private static ClusterRow Map(SqliteDataReader r) => new(
        r.ReadGuid("cluster_id"),
        r.ReadGuid("tenant_id"),
        r.GetString(r.GetOrdinal("name")),
        ReadPkiMode(r),
        r.GetString(r.GetOrdinal("overlay_cidr")),
        r.GetInt64(r.GetOrdinal("config_version")),
        (byte[])r.GetValue(r.GetOrdinal("cluster_token_hash")),
        r.ReadNullableBlob("previous_token_hash"),
        r.ReadNullableTime("previous_token_expires_at"),
        r.ReadBool("provide_lighthouse"),
        r.GetInt32(r.GetOrdinal("lighthouse_port")),
        r.ReadTime("created_at"),
        StoreJsonContext.FromJson(r.GetString(r.GetOrdinal("firewall_inbound_json"))),
        StoreJsonContext.FromJson(r.GetString(r.GetOrdinal("route_auto_approve_json"))));

    private static PkiMode ReadPkiMode(SqliteDataReader r)
    {
        var name = r.GetString(r.GetOrdinal("pki_mode"));
        return PkiModes.TryParse(name) ?? throw new InvalidDataException($"cluster {r.ReadGuid("cluster_id")} has unknown pki_mode '{name}'");
    }

    public static void SetFirewallInbound(SqliteConnection c, SqliteTransaction tx, Guid clusterId, IReadOnlyList<string> rules) =>
        c.Execute("UPDATE clusters SET firewall_inbound_json = $rules WHERE cluster_id = $id;", tx,
            ("$rules", StoreJsonContext.ToJson(rules)), ("$id", clusterId.ToDbId()));

    public static void SetRouteAutoApprove(SqliteConnection c, SqliteTransaction tx, Guid clusterId, IReadOnlyList<string> prefixes) =>
        c.Execute("UPDATE clusters SET route_auto_approve_json = $prefixes WHERE cluster_id = $id;", tx,
            ("$prefixes", StoreJsonContext.ToJson(prefixes)), ("$id", clusterId.ToDbId()));
}
