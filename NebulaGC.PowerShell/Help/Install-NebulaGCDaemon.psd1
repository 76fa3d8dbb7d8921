@{
    Synopsis    = 'Installs the node agent nebulagc on this Linux host, joined to a cluster, and waits until it applied a config.'
    Description = @'
Verifies the release archive (SHA256SUMS), checks that nebula is installed (NebulaNotFound otherwise), then plans and carries out: InstallRelease, LinkBinary (/usr/local/bin/nebulagc), WriteDaemonConfig (/etc/nebulagc/daemon.json, 0600: it holds the node and cluster tokens, which are never echoed; other clusters already in the file are kept), WriteUnit (rendered by the same engine as New-NebulaGCSystemdUnit -Component Daemon: DynamicUser, CAP_NET_ADMIN, KillMode=process so nebula survives daemon restarts), ReloadSystemd, EnableUnit, StartUnit or RestartUnit. It then waits until 'nebulagc status --output json' shows an applied config version for every cluster (DaemonNotApplied otherwise, with the last journal lines).

Tokens come from -NodeCredential (user name: the node id; password: the node token) with -ClusterToken, or from files with -NodeId, -NodeTokenPath and -ClusterTokenPath. A second identical run changes nothing. Run as root.
'@
    Parameters  = @{
        Source                = 'The release archive (nebulagc-<version>-linux-x64.tar.gz) or its unpacked folder; checked against SHA256SUMS.'
        ControlPlaneUrl       = 'Base URLs of every control-plane instance (http(s)://host:port); the daemon fails over across them.'
        ClusterName           = 'Local name of the cluster: a directory name under /var/lib/nebulagc-daemon. Run the command again with another name to join a second cluster. Default: default.'
        TenantId              = 'Tenant id of the cluster.'
        ClusterId             = 'Cluster id.'
        NodeCredential        = 'The node: user name = node id, password = node token (Get-Credential, or a PSCredential built from a secret store).'
        ClusterToken          = 'The cluster token, as a SecureString.'
        NodeId                = 'The node id (with -NodeTokenPath and -ClusterTokenPath).'
        NodeTokenPath         = 'A file whose first line is the node token.'
        ClusterTokenPath      = 'A file whose first line is the cluster token.'
        NebulaPath            = 'Where nebula is installed. Default: /usr/bin/nebula (Debian''s package).'
        Root                  = 'Stage the install under this directory: no service is touched, nebula is not checked, root is not required.'
        NoStart               = 'Install files and the unit, but do not reload, enable, start or restart anything.'
        AppliedTimeoutSeconds = 'How long to wait until every cluster has an applied config version. Default: 90.'
    }
    Examples    = @(
        @{
            Title   = 'Join a node with token files'
            Code    = 'Install-NebulaGCDaemon -Source ./nebulagc-0.1.0-linux-x64.tar.gz -ControlPlaneUrl https://cp1.example.com:8080 -TenantId $t -ClusterId $c -NodeId $n -NodeTokenPath ./node.token -ClusterTokenPath ./cluster.token'
            Remarks = 'Installs nebulagc-daemon.service and waits until the node runs nebula on an applied config.'
        }
        @{
            Title   = 'Tokens from a credential'
            Code    = 'Install-NebulaGCDaemon -Source ./nebulagc-0.1.0-linux-x64.tar.gz -ControlPlaneUrl https://cp1.example.com:8080 -TenantId $t -ClusterId $c -NodeCredential (Get-Credential $n) -ClusterToken (Read-Host -AsSecureString)'
            Remarks = 'Nothing secret is typed on the command line.'
        }
    )
}
