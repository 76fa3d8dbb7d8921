@{
    Synopsis    = 'Fails over the NebulaGC control plane: promotes a replica of a shared database, or restores and promotes a Litestream standby. Returns a report.'
    Description = @'
Plan, then act: the instances are discovered first, then every step that changes something is asked for (ShouldProcess) right before it runs, so -WhatIf prints the real plan and changes nothing. Every step checks the state it needs, so running the command again after a partial failure skips what is already done.

SharedDatabase (a shared file, or LiteFS): the old master is demoted through its admin socket when one is given (-PeerAdminSocket), the command waits until the target's data position has reached the old master's, promotes the target through its admin socket (a new, higher fencing epoch), then verifies that exactly one instance reports master and that a write commits on it. An old master that could not be demoted is fenced by the new epoch at its next write.

LitestreamRestore (disaster recovery, run on the standby): refuses while the old master still answers as master; restores the newest state from the replica into the standby's database (the previous file kept aside), starts the standby's server, promotes it (a higher epoch than the restored one), verifies one master and a write, and starts the standby's Litestream unit, which replicates as a new generation.

A returning old master never serves writes: at start-up a configured master asks the master its database names and its --peer-url peers, and stays read-only when one of them is master at the same or a newer epoch; it keeps asking every heartbeat.

The report names the old and new master, their epochs and data positions, the time taken, every step with its timing, and how many acknowledged writes the new master does not hold when the old master's data position is known.
'@
    Parameters  = @{
        Mode                  = 'SharedDatabase (promote a replica of the same database, LiteFS included) or LitestreamRestore (restore the standby from the Litestream replica and promote it).'
        TargetUrl             = 'Base URL of the instance that becomes master. Default: http://<NEBULAGC_LISTEN_ADDR or 127.0.0.1:8080>/.'
        AdminSocket           = 'Admin socket of the target (promotion and the write check go through it). Default: NEBULAGC_ADMIN_SOCKET or /run/nebulagc/admin.sock.'
        PeerUrl               = 'Base URLs of the other instances, the old master among them.'
        PeerAdminSocket       = 'Admin sockets of peers on this host, in the order of -PeerUrl; those peers are demoted directly.'
        DatabasePath          = 'LitestreamRestore: the standby''s database. Default: NEBULAGC_DB_PATH or /var/lib/nebulagc/nebulagc.db.'
        LitestreamConfig      = 'LitestreamRestore: the standby''s litestream.yml (its database path, the shared replica).'
        ServerService         = 'LitestreamRestore: the standby server''s systemd unit. Default: nebulagc-server.service.'
        LitestreamService     = 'LitestreamRestore: the Litestream unit started on the new master. Default: litestream.service; an empty string starts none.'
        LitestreamPath        = 'The litestream executable. Default: litestream from PATH.'
        LastKnownDataPosition = 'The old master''s last data position (from Get-NebulaGCInstance), so the report can count the acknowledged writes that were lost.'
        TimeoutSeconds        = 'Longest wait for catch-up, readiness and the single-master check. Default: 60.'
    }
    Examples    = @(
        @{
            Title   = 'See the plan first'
            Code    = 'Invoke-NebulaGCFailover -Mode SharedDatabase -TargetUrl http://cp2:8080 -AdminSocket /run/nebulagc/admin.sock -PeerUrl http://cp1:8080, http://cp3:8080 -WhatIf'
            Remarks = 'Prints every step it would take and changes nothing.'
        }
        @{
            Title   = 'Disaster recovery on the standby'
            Code    = 'Invoke-NebulaGCFailover -Mode LitestreamRestore -LitestreamConfig /etc/litestream.yml -PeerUrl http://cp1:8080 -Confirm:$false | Tee-Object -Variable report; $report.Steps'
            Remarks = 'Restores, starts and promotes this host''s server, starts litestream.service, and shows each step with its timing.'
        }
    )
}
