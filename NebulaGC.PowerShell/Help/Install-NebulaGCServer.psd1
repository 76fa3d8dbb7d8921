@{
    Synopsis    = 'Installs, reconfigures or upgrades nebulagc-server on this Linux host from a release archive, and waits until it is ready.'
    Description = @'
Takes the release archive of build.ps1 Publish (nebulagc-<version>-linux-x64.tar.gz) or its unpacked folder, verifies every file against SHA256SUMS, then plans the install and carries it out step by step, asking ShouldProcess right before each change (-WhatIf lists every step and changes nothing):

InstallRelease (binaries into /usr/local/lib/nebulagc/<version>/), LinkBinary (/usr/local/bin/nebulagc-server, an atomic symlink swap; the previous release stays for rollback), WriteEnvironment and WriteUnit (rendered by the same engine as New-NebulaGCSystemdUnit), GenerateSecret (the HMAC secret, 0600, only when absent: never overwritten), PruneReleases, ReloadSystemd, EnableUnit, StartUnit or RestartUnit, then a wait for /v1/readyz, and Bootstrap with -Bootstrap.

A second identical run changes nothing and restarts nothing (the report says Unchanged). A newer release replaces the binary, restarts the unit and waits for readiness; when the new release does not become ready, the command points back at the previous binary, restarts it, and reports RolledBack with an UpgradeRolledBack error that includes the last journal lines. Returns an InstallReport: versions before and after, every step with Changed/Unchanged, unit state, main PID, URL and, with -Bootstrap, the credentials. Run as root.
'@
    Parameters  = @{
        Source              = 'The release archive (nebulagc-<version>-linux-x64.tar.gz from build.ps1 Publish) or the folder it unpacks to. Every file is checked against its SHA256SUMS before anything is installed (ReleaseChecksumMismatch otherwise).'
        Role                = 'Role of the server: Master (default), Replica, or LiteFS (installs litefs.service, which runs the server under LiteFS; LiteFS itself must already be installed at /usr/local/bin/litefs).'
        Bootstrap           = 'Once the server is ready, create the first tenant, cluster and admin node through its admin socket, write their ids and tokens to <ConfigDir>/bootstrap-credentials.json (0600) and return them in the report''s Credentials. Tokens never reach the log or the verbose stream. A later run finds the file and creates nothing. Not with -Root or -NoStart.'
        TenantName          = 'Name of the tenant -Bootstrap creates. Default: default.'
        ClusterName         = 'Name of the cluster -Bootstrap creates (managed PKI). Default: default.'
        AdminNodeName       = 'Name of the admin node -Bootstrap creates. Default: admin.'
        Root                = 'Stage the install under this directory (the same tree, prefixed), for packaging: no service is touched, nothing is started, root is not required.'
        NoStart             = 'Install files and the unit, but do not reload, enable, start or restart anything.'
        ReadyTimeoutSeconds = 'How long to wait for /v1/readyz after a start or restart before the install fails (or rolls back). Default: 60.'
    }
    Examples    = @(
        @{
            Title   = 'Install and bootstrap a single control plane'
            Code    = '$report = Install-NebulaGCServer -Source ./nebulagc-0.1.0-linux-x64.tar.gz -Bootstrap -Verbose; $report.Credentials.Path'
            Remarks = 'Installs the binaries, unit and secret, starts nebulagc-server.service, waits for /v1/readyz and creates tenant, cluster and admin node; their tokens are in /etc/nebulagc/bootstrap-credentials.json (0600).'
        }
        @{
            Title   = 'See the plan first'
            Code    = 'Install-NebulaGCServer -Source ./nebulagc-0.1.0-linux-x64.tar.gz -ListenHost 0.0.0.0 -PublicUrl https://cp1.example.com -WhatIf'
            Remarks = 'Prints every step it would take and changes nothing.'
        }
        @{
            Title   = 'Upgrade'
            Code    = 'Install-NebulaGCServer -Source ./nebulagc-0.2.0-linux-x64.tar.gz | Select-Object Outcome, VersionBefore, VersionAfter'
            Remarks = 'Upgraded when 0.2.0 serves; RolledBack (with an UpgradeRolledBack error) when it did not become ready and 0.1.0 serves again.'
        }
    )
}
