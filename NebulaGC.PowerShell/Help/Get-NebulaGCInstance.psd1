@{
    Synopsis    = 'Shows every NebulaGC control-plane instance: role, master or not, fencing epoch, data position, health, readiness, version and replication lag.'
    Description = @'
Asks each instance at once, with a bounded timeout. Through a base URL it reads the public probes: /v1/check-master (instance id, master, epoch), /v1/readyz, and from the master its registry (/v1/replicas), which gives each replica's heartbeat age as ReplicationLagSeconds. Through a local admin socket it also reads the data position (a counter every committed write moves: equal positions mean a replica has caught up), the schema version and the server version. A URL and an admin socket of the same instance become one row.

An instance that does not answer is a row with its Error set and everything it could not tell left empty; the command never fails because one instance is down. The objects convert cleanly with ConvertTo-Json for scripts.
'@
    Parameters  = @{
        Url            = 'Base URLs of instances, such as http://cp1.example.com:8080. Accepted from the pipeline.'
        AdminSocket    = 'Admin Unix sockets of instances on this host (mode 0600: run as the server''s user or root). Default when no -Url is given: NEBULAGC_ADMIN_SOCKET or /run/nebulagc/admin.sock.'
        TimeoutSeconds = 'How long to wait for each instance. Default: 3.'
    }
    Examples    = @(
        @{
            Title   = 'All instances behind a load balancer, plus the local one''s data position'
            Code    = 'Get-NebulaGCInstance -Url http://cp1:8080, http://cp2:8080, http://cp3:8080 -AdminSocket /run/nebulagc/admin.sock'
            Remarks = 'One row per instance; the local instance''s row also shows DataPosition and Version.'
        }
        @{
            Title   = 'For a script'
            Code    = 'Get-NebulaGCInstance -Url http://cp1:8080 | ConvertTo-Json'
            Remarks = 'Every field as JSON; an unreachable instance has Error set.'
        }
    )
}
