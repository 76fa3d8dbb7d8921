@{
    Synopsis    = 'Renders litestream.yml for the NebulaGC database in the Litestream 0.3 or 0.5 dialect.'
    Description = @'
Writes litestream.yml and, when a replica needs credentials, litestream.env (mode 0600, created once with empty values to fill in). Credentials are never written into litestream.yml: Litestream reads LITESTREAM_ACCESS_KEY_ID, LITESTREAM_SECRET_ACCESS_KEY and LITESTREAM_AZURE_ACCOUNT_KEY from its environment.

Every key of the rendered file is checked against the chosen dialect's key list before anything is written (error LitestreamUnknownKey): Litestream 0.5 silently ignores unknown keys. The 0.3 dialect takes a replicas list; 0.5 takes exactly one replica per database (error LitestreamTooManyReplicas), calls Google Cloud Storage "gs" and sets snapshot interval and retention globally.
'@
    Parameters  = @{
        DatabasePath          = 'The database file to replicate. Default: <DataDir>/nebulagc.db.'
        DataDir               = 'Directory of the NebulaGC database. Default: /var/lib/nebulagc.'
        SyncInterval          = 'How often WAL changes are shipped to the replica (Litestream duration). Default: 1s.'
        Retention             = 'How long snapshots and WAL are kept. Default: 72h.'
        SnapshotInterval      = 'How often a full snapshot is taken. Default: 24h.'
        LitestreamMetricsAddr = 'Litestream''s Prometheus listener (top-level addr); empty switches it off. Default: :9090.'
    }
    Examples    = @(
        @{
            Title   = 'Replicate to S3'
            Code    = 'New-NebulaGCLitestreamConfig -Replica S3 -Bucket my-nebulagc-backups -Region eu-west-1 -Path ./litestream'
            Remarks = 'Writes ./litestream/litestream.yml and ./litestream/litestream.env (0600) with LITESTREAM_ACCESS_KEY_ID and LITESTREAM_SECRET_ACCESS_KEY to fill in.'
        }
        @{
            Title   = 'Two replicas in the 0.3 dialect: S3-compatible store and a local directory'
            Code    = 'New-NebulaGCLitestreamConfig -Replica S3, File -Bucket backups -Endpoint http://minio:9000 -ForcePathStyle -Path ./litestream'
            Remarks = 'Restore from one of them with: litestream restore -config litestream.yml -replica s3 -o restored.db /var/lib/nebulagc/nebulagc.db'
        }
        @{
            Title   = 'Litestream 0.5 with Google Cloud Storage'
            Code    = 'New-NebulaGCLitestreamConfig -LitestreamVersion 0.5 -Replica GCS -Bucket my-bucket | Select-Object -ExpandProperty Content'
            Remarks = 'Renders the 0.5 dialect (one replica map, type gs, global snapshot settings) and prints it.'
        }
    )
}
