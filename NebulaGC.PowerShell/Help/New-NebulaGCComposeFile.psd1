@{
    Synopsis    = 'Renders docker-compose.yml for the Single, Litestream or LiteFS topology.'
    Description = @'
Single: one server with a named data volume. Litestream: a one-shot litestream-restore service (-if-db-not-exists -if-replica-exists) the server waits for, and a litestream replicate service; writes litestream.yml and litestream.env (0600) beside the compose file. LiteFS: LiteFSReplicas server/LiteFS pairs and a development Consul, with litefs.yml.

The HMAC secret is a Docker secret read from secrets/hmac-secret (0600, generated once) and reaches the server as NEBULAGC_HMAC_SECRET_FILE. Server containers are read-only, drop every capability and cannot gain privileges. The file validates with docker compose config.
'@
    Parameters  = @{
        Topology       = 'Single, Litestream or LiteFS; or topology in the values.'
        LiteFSReplicas = 'Number of LiteFS nodes (topology LiteFS). Default: 3.'
    }
    Examples    = @(
        @{
            Title   = 'Single instance with Litestream to S3'
            Code    = 'New-NebulaGCComposeFile -Topology Litestream -Replica S3 -Bucket backups -Path ./compose; docker-compose -f ./compose/docker-compose.yml config -q'
            Remarks = 'Fill in ./compose/litestream.env before starting.'
        }
    )
}
