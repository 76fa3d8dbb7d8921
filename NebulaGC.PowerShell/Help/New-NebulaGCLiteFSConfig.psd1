@{
    Synopsis    = 'Renders litefs.yml for a host where LiteFS runs nebulagc-server with role litefs.'
    Description = @'
LiteFS decodes its configuration strictly, so every key of the rendered file is checked against LiteFS's key list before it is written (error LiteFSUnknownKey). The file mounts the FUSE file system at LiteFSDir, keeps LiteFS data in LiteFSDataDir, runs <BinDir>/nebulagc-server serve once mounted, as the unprivileged user <Name> with every capability dropped (setpriv; create the user with useradd --system <Name>); the role comes from NEBULAGC_ROLE=litefs in the server env file and takes a Consul lease (automatic failover) or a static lease (a fixed primary, no failover).

LiteFS only forwards writes with a fly-replay header outside Fly.io: route writes with New-NebulaGCLoadBalancerConfig. Litestream remains the recommended replication.
'@
    Parameters  = @{
        Lease           = 'Consul (automatic failover) or Static (fixed primary).'
        ConsulUrl       = 'Consul URL. Default: http://127.0.0.1:8500.'
        ConsulKey       = 'Consul key of the lease. Default: nebulagc/primary.'
        Hostname        = 'This node''s host name in the lease; default ${HOSTNAME}, expanded by LiteFS at start.'
        AdvertiseUrl    = 'URL other nodes reach this node''s LiteFS on. Default: http://<Hostname>:20202 (Consul) or http://<PrimaryHostname>:20202 (Static).'
        PrimaryHostname = 'Static lease: the host name of the primary.'
        Candidate       = 'Whether this node may become primary. Default: true.'
        LiteFSDir       = 'FUSE mount directory (the database lives there). Default: /litefs.'
        LiteFSDataDir   = 'LiteFS''s own data directory. Default: /var/lib/litefs.'
    }
    Examples    = @(
        @{
            Title   = 'Consul lease'
            Code    = 'New-NebulaGCLiteFSConfig -Lease Consul -ConsulUrl http://consul.internal:8500 -Path ./litefs'
            Remarks = 'Pair it with New-NebulaGCSystemdUnit -Component LiteFS.'
        }
        @{
            Title   = 'Static lease on a replica'
            Code    = 'New-NebulaGCLiteFSConfig -Lease Static -PrimaryHostname cp1 -Candidate $false | Select-Object -ExpandProperty Content'
            Remarks = 'Prints a litefs.yml for a node that follows cp1 and never becomes primary.'
        }
    )
}
