-- 0007: uploaded bundles (every node's host.key among them) are stored encrypted with a key derived from the server
-- secret. Rows uploaded before are marked plaintext (0) here; a master encrypts them at start-up, which needs the secret
-- a migration does not have.
ALTER TABLE config_bundles ADD COLUMN encrypted INTEGER NOT NULL DEFAULT 0;
