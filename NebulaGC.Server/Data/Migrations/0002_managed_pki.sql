-- 0002: managed PKI. A managed cluster has one active CA and, after a rotation, retired CAs that stay trusted until
-- their overlap ends; each node has at most one current host certificate (signed for the public key it sent, which is
-- kept so the server can re-sign after a CA rotation); fingerprints of revoked certificates feed pki.blocklist.

CREATE TABLE cluster_cas (
    ca_id             INTEGER PRIMARY KEY AUTOINCREMENT,
    cluster_id        TEXT NOT NULL REFERENCES clusters(cluster_id) ON DELETE CASCADE,
    certificate_pem   TEXT NOT NULL,
    fingerprint       TEXT NOT NULL,
    private_key_blob  BLOB NOT NULL,
    not_after         TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    trusted_until     TEXT
);
CREATE INDEX cluster_cas_by_cluster ON cluster_cas (cluster_id);

CREATE TABLE node_certificates (
    node_id          TEXT PRIMARY KEY REFERENCES nodes(node_id) ON DELETE CASCADE,
    cluster_id       TEXT NOT NULL REFERENCES clusters(cluster_id) ON DELETE CASCADE,
    public_key_pem   TEXT NOT NULL,
    certificate_pem  TEXT NOT NULL,
    fingerprint      TEXT NOT NULL,
    not_after        TEXT NOT NULL,
    issued_at        TEXT NOT NULL
);

CREATE TABLE revoked_certificates (
    cluster_id   TEXT NOT NULL REFERENCES clusters(cluster_id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    revoked_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    PRIMARY KEY (cluster_id, fingerprint)
);
