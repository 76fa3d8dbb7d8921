@{
    Synopsis    = 'Renders a hardened systemd unit (and its environment files) for nebulagc-server, the nebulagc daemon, Litestream or LiteFS.'
    Description = @'
Renders the unit for one component from the module's templates:

Server: <Name>-server.service (Type=notify with WatchdogSec, DynamicUser, StateDirectory, empty capability set, systemd-analyze security exposure at most 1.5), <Name>-server.env (NEBULAGC_* settings, no secrets) and <Name>-server.secret.env (NEBULAGC_HMAC_SECRET, mode 0600, generated once and never overwritten).

Daemon: <Name>-daemon.service running "nebulagc daemon --config", with CAP_NET_ADMIN and /dev/net/tun only (exposure at most 2.0); daemon.json reaches it as a systemd credential.

Litestream: litestream.service replicating with <ConfigDir>/litestream.yml, credentials from litestream.env (0600).

LiteFS: litefs.service mounting LiteFS, which runs nebulagc-server with role litefs.
'@
    Parameters  = @{
        Component        = 'Which unit to render: Server, Daemon, Litestream or LiteFS.'
        LitestreamBinary = 'Path of the litestream executable (Component Litestream). Default: /usr/local/bin/litestream.'
        LiteFSBinary     = 'Path of the litefs executable (Component LiteFS). Default: /usr/local/bin/litefs.'
    }
    Examples    = @(
        @{
            Title   = 'Render the server unit for a master'
            Code    = 'New-NebulaGCSystemdUnit -Component Server -Path ./systemd -ListenHost 0.0.0.0 -PublicUrl https://cp1.example.com'
            Remarks = 'Writes nebulagc-server.service, nebulagc-server.env and nebulagc-server.secret.env (0600) into ./systemd. Copy the unit to /etc/systemd/system and the env files to /etc/nebulagc.'
        }
        @{
            Title   = 'Preview the daemon unit without writing anything'
            Code    = 'New-NebulaGCSystemdUnit -Component Daemon | Select-Object -ExpandProperty Content'
            Remarks = 'Without -Path the rendered files are emitted as objects; Content holds the unit text.'
        }
        @{
            Title   = 'Render from a values file kept in the repository'
            Code    = 'New-NebulaGCSystemdUnit -Component Server -ValuesPath ./nebulagc.values.yml -Path ./out -WhatIf'
            Remarks = 'Shows which files would be created or updated, without writing them.'
        }
    )
}
