using Microsoft.Data.Sqlite;

namespace NebulaGC.Server.Data.Stores;

public static class BundleStore
{
    public static void Insert(SqliteConnection c, SqliteTransaction tx, BundleRow bundle, Guid uploadedBy) =>
        c.Execute("""
            INSERT INTO config_bundles (cluster_id, version, data, sha256, size_bytes, uploaded_by_node_id, uploaded_at)
            VALUES ($cluster, $version, $data, $sha, $size, $by, $at);
            """, tx,
            ("$cluster", bundle.ClusterId.ToDbId()), ("$version", bundle.Version), ("$data", bundle.Data), ("$sha", bundle.Sha256),
            ("$size", bundle.Data.Length), ("$by", uploadedBy.ToDbId()), ("$at", bundle.UploadedAt.ToDbTime()));

    public static BundleRow? Latest(SqliteConnection c, SqliteTransaction? tx, Guid clusterId) =>
        c.Query(tx, "SELECT * FROM config_bundles WHERE cluster_id = $cluster ORDER BY version DESC LIMIT 1;",
            r => new BundleRow(r.ReadGuid("cluster_id"), r.GetInt64(r.GetOrdinal("version")), (byte[])r.GetValue(r.GetOrdinal("data")),
                r.GetString(r.GetOrdinal("sha256")), r.ReadTime("uploaded_at")),
            ("$cluster", clusterId.ToDbId())).FirstOrDefault();

    public static int Count(SqliteConnection c, Guid clusterId) =>
        Convert.ToInt32(c.Scalar("SELECT COUNT(*) FROM config_bundles WHERE cluster_id = $cluster;", null, ("$cluster", clusterId.ToDbId())));
}
