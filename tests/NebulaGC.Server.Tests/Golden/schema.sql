-- index cluster_cas_by_cluster
CREATE INDEX cluster_cas_by_cluster ON cluster_cas (cluster_id);

-- index nodes_by_cluster
CREATE INDEX nodes_by_cluster ON nodes (cluster_id, created_at);

-- index replicas_by_lighthouse_slot
CREATE UNIQUE INDEX replicas_by_lighthouse_slot ON replicas (lighthouse_slot) WHERE lighthouse_slot IS NOT NULL;

-- table cluster_cas
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

-- table clusters
CREATE TABLE clusters (
    cluster_id                  TEXT PRIMARY KEY,
    tenant_id                   TEXT NOT NULL REFERENCES tenants(tenant_id) ON DELETE CASCADE,
    name                        TEXT NOT NULL,
    pki_mode                    TEXT NOT NULL CHECK (pki_mode IN ('managed', 'external')),
    overlay_cidr                TEXT NOT NULL,
    config_version              INTEGER NOT NULL DEFAULT 1,
    cluster_token_hash          BLOB NOT NULL,
    previous_token_hash         BLOB,
    previous_token_expires_at   TEXT,
    provide_lighthouse          INTEGER NOT NULL DEFAULT 0,
    lighthouse_port             INTEGER NOT NULL DEFAULT 4242,
    created_at                  TEXT NOT NULL, firewall_inbound_json TEXT NOT NULL DEFAULT '[]', route_auto_approve_json TEXT NOT NULL DEFAULT '[]',
    UNIQUE (tenant_id, name)
);

-- table config_bundles
CREATE TABLE config_bundles (
    cluster_id           TEXT NOT NULL REFERENCES clusters(cluster_id) ON DELETE CASCADE,
    version              INTEGER NOT NULL,
    data                 BLOB NOT NULL,
    sha256               TEXT NOT NULL,
    size_bytes           INTEGER NOT NULL,
    uploaded_by_node_id  TEXT NOT NULL,
    uploaded_at          TEXT NOT NULL, encrypted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (cluster_id, version)
);

-- table data_position
CREATE TABLE data_position (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    position  INTEGER NOT NULL
);

-- table ha_state
CREATE TABLE ha_state (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    epoch               INTEGER NOT NULL,
    master_instance_id  TEXT,
    master_url          TEXT,
    updated_at          TEXT
);

-- table node_certificates
CREATE TABLE node_certificates (
    node_id          TEXT PRIMARY KEY REFERENCES nodes(node_id) ON DELETE CASCADE,
    cluster_id       TEXT NOT NULL REFERENCES clusters(cluster_id) ON DELETE CASCADE,
    public_key_pem   TEXT NOT NULL,
    certificate_pem  TEXT NOT NULL,
    fingerprint      TEXT NOT NULL,
    not_after        TEXT NOT NULL,
    issued_at        TEXT NOT NULL
);

-- table nodes
CREATE TABLE nodes (
    node_id          TEXT PRIMARY KEY,
    cluster_id       TEXT NOT NULL REFERENCES clusters(cluster_id) ON DELETE CASCADE,
    tenant_id        TEXT NOT NULL REFERENCES tenants(tenant_id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    token_hash       BLOB NOT NULL,
    is_admin         INTEGER NOT NULL DEFAULT 0,
    mtu              INTEGER NOT NULL DEFAULT 1300 CHECK (mtu BETWEEN 1280 AND 9000),
    overlay_ip       TEXT NOT NULL,
    groups_json      TEXT NOT NULL DEFAULT '[]',
    routes_json      TEXT NOT NULL DEFAULT '[]',
    is_lighthouse    INTEGER NOT NULL DEFAULT 0,
    public_ip        TEXT,
    lighthouse_port  INTEGER,
    is_relay         INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL, approved_routes_json TEXT NOT NULL DEFAULT '[]',
    UNIQUE (cluster_id, name),
    UNIQUE (cluster_id, overlay_ip)
);

-- table replicas
CREATE TABLE replicas (
    instance_id   TEXT PRIMARY KEY,
    address       TEXT,
    role          TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
, lighthouse_slot INTEGER);

-- table retired_addresses
CREATE TABLE retired_addresses (
    cluster_id      TEXT NOT NULL REFERENCES clusters(cluster_id) ON DELETE CASCADE,
    overlay_ip      TEXT NOT NULL,
    node_id         TEXT NOT NULL,
    retired_at      TEXT NOT NULL,
    reusable_after  TEXT NOT NULL,
    PRIMARY KEY (cluster_id, overlay_ip)
);

-- table revoked_certificates
CREATE TABLE revoked_certificates (
    cluster_id   TEXT NOT NULL REFERENCES clusters(cluster_id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    revoked_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    PRIMARY KEY (cluster_id, fingerprint)
);

-- table schema_migrations
CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);

-- table sqlite_sequence
CREATE TABLE sqlite_sequence(name,seq);

-- table tenants
CREATE TABLE tenants (
    tenant_id   TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);
