@{
    Synopsis    = 'Makes a consistent online copy of a live NebulaGC database, checks it and writes a metadata file beside it.'
    Description = @'
The copy is made with SQLite's online backup API under one read snapshot while the server keeps writing: it holds every transaction committed before the backup began and no half-done one. It is never a file copy. The copy is checked with PRAGMA integrity_check, written as one self-contained file (mode 0600: it holds token hashes and encrypted CA keys) and renamed into place only when it is intact.

Beside it, <backup>.json records the schema version, the configuration version of every cluster, the fencing epoch and master, the data position, the row count of every table, the SHA-256 of the file and created_at. Restore-NebulaGCDatabase checks the file against it.

Only read access to the database is needed (a non-root operator in the server's group can back up). A backup is never overwritten.
'@
    Parameters  = @{
        DatabasePath = 'The live database. Default: NEBULAGC_DB_PATH or /var/lib/nebulagc/nebulagc.db.'
        Destination  = 'The backup file, or an existing directory: the file is then named nebulagc-<UTC time>.db. An existing backup is refused (BackupDestinationExists).'
    }
    Examples    = @(
        @{
            Title   = 'A nightly backup into a directory'
            Code    = 'Backup-NebulaGCDatabase -DatabasePath /var/lib/nebulagc/nebulagc.db -Destination /var/backups/nebulagc'
            Remarks = 'Writes /var/backups/nebulagc/nebulagc-<time>.db and its .json metadata; returns Path, MetadataPath and Metadata.'
        }
    )
}
