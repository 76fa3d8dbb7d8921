using Microsoft.Data.Sqlite;

namespace NebulaGC.Server.Data.Stores;

public sealed record ClusterCaRow(long CaId, Guid ClusterId, string CertificatePem, string Fingerprint, byte[] PrivateKeyBlob,
    DateTimeOffset NotAfter, DateTimeOffset CreatedAt, DateTimeOffset? TrustedUntil)
{
    public bool IsActive => TrustedUntil is null;
}

public sealed record NodeCertificateRow(Guid NodeId, Guid ClusterId, string PublicKeyPem, string CertificatePem, string Fingerprint,
    DateTimeOffset NotAfter, DateTimeOffset IssuedAt);

/// <summary>Cluster CAs, node certificates and revocations.</summary>
public static class PkiStore
{
    public static void InsertCa(SqliteConnection c, SqliteTransaction tx, Guid clusterId, string certificatePem, string fingerprint, byte[] keyBlob,
        DateTimeOffset notAfter, DateTimeOffset createdAt) =>
        c.Execute("""
            INSERT INTO cluster_cas (cluster_id, certificate_pem, fingerprint, private_key_blob, not_after, created_at)
            VALUES ($cluster, $pem, $fp, $key, $notAfter, $at);
            """, tx, ("$cluster", clusterId.ToDbId()), ("$pem", certificatePem), ("$fp", fingerprint), ("$key", keyBlob),
            ("$notAfter", notAfter.ToDbTime()), ("$at", createdAt.ToDbTime()));

    /// <summary>CAs a node must trust now: the active one and retired ones still inside their overlap, newest first.</summary>
    public static List<ClusterCaRow> TrustedCas(SqliteConnection c, SqliteTransaction? tx, Guid clusterId, DateTimeOffset now) =>
        c.Query(tx, """
            SELECT * FROM cluster_cas WHERE cluster_id = $cluster AND (trusted_until IS NULL OR trusted_until > $now) ORDER BY ca_id DESC;
            """, MapCa, ("$cluster", clusterId.ToDbId()), ("$now", now.ToDbTime()));

    public static ClusterCaRow? ActiveCa(SqliteConnection c, SqliteTransaction? tx, Guid clusterId) =>
        c.Query(tx, "SELECT * FROM cluster_cas WHERE cluster_id = $cluster AND trusted_until IS NULL ORDER BY ca_id DESC LIMIT 1;", MapCa,
            ("$cluster", clusterId.ToDbId())).FirstOrDefault();

    public static void RetireCa(SqliteConnection c, SqliteTransaction tx, long caId, DateTimeOffset trustedUntil) =>
        c.Execute("UPDATE cluster_cas SET trusted_until = $until WHERE ca_id = $id;", tx, ("$until", trustedUntil.ToDbTime()), ("$id", caId));

    public static NodeCertificateRow? NodeCertificate(SqliteConnection c, SqliteTransaction? tx, Guid clusterId, Guid nodeId) =>
        c.Query(tx, "SELECT * FROM node_certificates WHERE cluster_id = $cluster AND node_id = $node;", MapCertificate,
            ("$cluster", clusterId.ToDbId()), ("$node", nodeId.ToDbId())).FirstOrDefault();

    public static List<NodeCertificateRow> NodeCertificates(SqliteConnection c, SqliteTransaction tx, Guid clusterId) =>
        c.Query(tx, "SELECT * FROM node_certificates WHERE cluster_id = $cluster;", MapCertificate, ("$cluster", clusterId.ToDbId()));

    public static void UpsertNodeCertificate(SqliteConnection c, SqliteTransaction tx, NodeCertificateRow row) =>
        c.Execute("""
            INSERT INTO node_certificates (node_id, cluster_id, public_key_pem, certificate_pem, fingerprint, not_after, issued_at)
            VALUES ($node, $cluster, $key, $pem, $fp, $notAfter, $at)
            ON CONFLICT (node_id) DO UPDATE SET public_key_pem = excluded.public_key_pem, certificate_pem = excluded.certificate_pem,
                fingerprint = excluded.fingerprint, not_after = excluded.not_after, issued_at = excluded.issued_at;
            """, tx, ("$node", row.NodeId.ToDbId()), ("$cluster", row.ClusterId.ToDbId()), ("$key", row.PublicKeyPem), ("$pem", row.CertificatePem),
            ("$fp", row.Fingerprint), ("$notAfter", row.NotAfter.ToDbTime()), ("$at", row.IssuedAt.ToDbTime()));

    public static void Revoke(SqliteConnection c, SqliteTransaction tx, Guid clusterId, string fingerprint, Guid nodeId, DateTimeOffset at, DateTimeOffset expiresAt) =>
        c.Execute("""
            INSERT INTO revoked_certificates (cluster_id, fingerprint, node_id, revoked_at, expires_at) VALUES ($cluster, $fp, $node, $at, $exp)
            ON CONFLICT (cluster_id, fingerprint) DO NOTHING;
            """, tx, ("$cluster", clusterId.ToDbId()), ("$fp", fingerprint), ("$node", nodeId.ToDbId()), ("$at", at.ToDbTime()), ("$exp", expiresAt.ToDbTime()));

    /// <summary>Fingerprints of revoked certificates that have not expired yet (expired ones are refused by Nebula anyway).</summary>
    public static List<string> Blocklist(SqliteConnection c, SqliteTransaction? tx, Guid clusterId, DateTimeOffset now) =>
        c.Query(tx, "SELECT fingerprint FROM revoked_certificates WHERE cluster_id = $cluster AND expires_at > $now ORDER BY fingerprint;",
            r => r.GetString(0), ("$cluster", clusterId.ToDbId()), ("$now", now.ToDbTime()));

    private static ClusterCaRow MapCa(SqliteDataReader r) => new(
        r.GetInt64(r.GetOrdinal("ca_id")), r.ReadGuid("cluster_id"), r.GetString(r.GetOrdinal("certificate_pem")), r.GetString(r.GetOrdinal("fingerprint")),
        (byte[])r.GetValue(r.GetOrdinal("private_key_blob")), r.ReadTime("not_after"), r.ReadTime("created_at"), r.ReadNullableTime("trusted_until"));

    private static NodeCertificateRow MapCertificate(SqliteDataReader r) => new(
        r.ReadGuid("node_id"), r.ReadGuid("cluster_id"), r.GetString(r.GetOrdinal("public_key_pem")), r.GetString(r.GetOrdinal("certificate_pem")),
        r.GetString(r.GetOrdinal("fingerprint")), r.ReadTime("not_after"), r.ReadTime("issued_at"));
}
