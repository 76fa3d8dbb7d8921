@{
    Synopsis    = 'Restores a NebulaGC database from a backup file or a Litestream replica (optionally to a point in time), keeping the current database aside.'
    Description = @'
The source is first restored into a temporary file beside the database and checked: PRAGMA integrity_check, the SHA-256 in the backup's metadata file, and the schema version, which must not be newer than this release's server (RestoreSchemaTooNew). From a Litestream replica the real litestream restore runs with the given litestream.yml (credentials from the environment, as litestream reads them); -Timestamp restores the state the replica held at that moment. An empty replica is RestoreReplicaEmpty, or with -AllowEmptyReplica a result with Restored = False.

Only then is the current database (with its -wal and -shm) moved aside as <db>.pre-restore-<UTC time>, never deleted, and the restored file renamed into place with the previous file's owner and mode.

A database that a running server has open is refused (RestoreDatabaseInUse) unless -Force is given: then the server's unit is stopped, the database restored, the unit started again and /v1/readyz awaited. Every refusal leaves every file as it was. Returns the source, the Litestream generation or timestamp, the rows of every table, the schema version, epoch, data position and configuration versions.
'@
    Parameters  = @{
        Path              = 'A backup made by Backup-NebulaGCDatabase. Its .json metadata file, when present, must match the file''s SHA-256.'
        LitestreamConfig  = 'litestream.yml naming this database and its replica (0.3 dialect). Credentials come from LITESTREAM_ACCESS_KEY_ID, LITESTREAM_SECRET_ACCESS_KEY or LITESTREAM_AZURE_ACCOUNT_KEY.'
        Timestamp         = 'Point in time: restore the state the replica held at this moment.'
        Replica           = 'Name of the replica in litestream.yml when it lists several. Default: the one with the newest data.'
        AllowEmptyReplica = 'An empty replica (a first boot) is not an error: nothing is restored or changed.'
        LitestreamPath    = 'The litestream executable. Default: litestream from PATH.'
        DatabasePath      = 'The database to replace. Default: NEBULAGC_DB_PATH or /var/lib/nebulagc/nebulagc.db.'
        Force             = 'Restore under a running server: stop -Service, restore, start it and wait until it is ready.'
        Service           = 'The server''s systemd unit that -Force stops and starts. Default: nebulagc-server.service.'
        ReadyUrl          = 'Base URL where -Force waits for /v1/readyz. Default: http://<NEBULAGC_LISTEN_ADDR or 127.0.0.1:8080>/.'
    }
    Examples    = @(
        @{
            Title   = 'From a backup file, with the server stopped'
            Code    = 'Restore-NebulaGCDatabase -Path /var/backups/nebulagc/nebulagc-20261201T020000Z.db'
            Remarks = 'Asks for confirmation; the previous database is kept as nebulagc.db.pre-restore-<time>.'
        }
        @{
            Title   = 'Point in time from Litestream under a running server'
            Code    = 'Restore-NebulaGCDatabase -LitestreamConfig /etc/litestream.yml -Timestamp ''2026-12-01T09:30:00Z'' -Force -Confirm:$false'
            Remarks = 'Stops nebulagc-server.service, restores the state of 09:30 UTC, starts the service and waits for readyz.'
        }
    )
}
