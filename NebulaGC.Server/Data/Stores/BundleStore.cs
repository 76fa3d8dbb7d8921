using Microsoft.Data.Sqlite;
using NebulaGC.Server.Bundles;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Data.Stores;

/// <summary>
/// Uploaded external-PKI bundles. The <c>data</c> column holds them encrypted (<see cref="BundleProtector"/>, bound to
/// cluster and version; <c>encrypted = 1</c>); rows from before encryption (<c>encrypted = 0</c>) are read as they are
/// until <see cref="EncryptPlaintext"/> converts them. <see cref="BundleRow.Data"/> is always the bundle as uploaded.
/// </summary>
public static class BundleStore
{
    public static void Insert(SqliteConnection c, SqliteTransaction tx, BundleRow bundle, Guid uploadedBy, BundleProtector protector) =>
        c.Execute("""
            INSERT INTO config_bundles (cluster_id, version, data, sha256, size_bytes, uploaded_by_node_id, uploaded_at, encrypted)
            VALUES ($cluster, $version, $data, $sha, $size, $by, $at, 1);
            """, tx,
            ("$cluster", bundle.ClusterId.ToDbId()), ("$version", bundle.Version),
            ("$data", protector.Protect(bundle.Data, BundleProtector.BoundTo(bundle.ClusterId, bundle.Version))), ("$sha", bundle.Sha256),
            ("$size", bundle.Data.Length), ("$by", uploadedBy.ToDbId()), ("$at", bundle.UploadedAt.ToDbTime()));

    public static BundleRow? Latest(SqliteConnection c, SqliteTransaction? tx, Guid clusterId, BundleProtector protector) =>
        c.Query(tx, "SELECT * FROM config_bundles WHERE cluster_id = $cluster ORDER BY version DESC LIMIT 1;", r =>
            {
                var version = r.GetInt64(r.GetOrdinal("version"));
                var stored = (byte[])r.GetValue(r.GetOrdinal("data"));
                var data = r.ReadBool("encrypted") ? Open(protector, stored, clusterId, version) : stored;
                return new BundleRow(r.ReadGuid("cluster_id"), version, data, r.GetString(r.GetOrdinal("sha256")), r.ReadTime("uploaded_at"));
            },
            ("$cluster", clusterId.ToDbId())).FirstOrDefault();

    public static int Count(SqliteConnection c, Guid clusterId) =>
        Convert.ToInt32(c.Scalar("SELECT COUNT(*) FROM config_bundles WHERE cluster_id = $cluster;", null, ("$cluster", clusterId.ToDbId())));

    public static int CountPlaintext(SqliteConnection c) =>
        Convert.ToInt32(c.Scalar("SELECT COUNT(*) FROM config_bundles WHERE encrypted = 0;", null));

    /// <summary>
    /// Encrypts every row stored in plaintext, inside the caller's transaction; returns how many. With
    /// <c>secure_delete</c> SQLite zeroes the pages the plaintext leaves, so it does not linger in the file.
    /// </summary>
    public static int EncryptPlaintext(SqliteConnection c, SqliteTransaction tx, BundleProtector protector)
    {
        var plaintext = c.Query(tx, "SELECT cluster_id, version, data FROM config_bundles WHERE encrypted = 0;",
            r => (Cluster: r.ReadGuid("cluster_id"), Version: r.GetInt64(1), Data: (byte[])r.GetValue(2)));
        c.Execute("PRAGMA secure_delete = ON;", tx);
        foreach (var (cluster, version, data) in plaintext)
        {
            c.Execute("UPDATE config_bundles SET data = $data, encrypted = 1 WHERE cluster_id = $cluster AND version = $version;", tx,
                ("$data", protector.Protect(data, BundleProtector.BoundTo(cluster, version))), ("$cluster", cluster.ToDbId()), ("$version", version));
        }
        return plaintext.Count;
    }

    private static byte[] Open(BundleProtector protector, byte[] stored, Guid clusterId, long version)
    {
        try
        {
            return protector.Unprotect(stored, BundleProtector.BoundTo(clusterId, version));
        }
        catch (AtRestDecryptionException ex)
        {
            throw new StoredSecretUnavailable($"the uploaded bundle {version} of cluster {clusterId} cannot be decrypted ({ex.Message})", ex);
        }
    }
}
