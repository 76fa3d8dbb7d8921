@{
    Synopsis    = 'Stops, disables and removes nebulagc-server.service and the nebulagc-server command; data, secrets and credentials stay unless -RemoveData.'
    Description = @'
Plans and carries out, asking for confirmation (ConfirmImpact High) right before each change: StopUnit, DisableUnit, RemoveUnit, ReloadSystemd, RemoveEnvironment, UnlinkBinary and PruneReleases (release folders under /usr/local/lib/nebulagc no command uses any more). With -RemoveData it also deletes the database directory (DataDir, and its DynamicUser copy under /var/lib/private), the HMAC secret env file and the bootstrap credentials. Returns an InstallReport; running it again reports Unchanged.
'@
    Parameters  = @{
        RemoveData = 'Also delete the database directory (DataDir, and its DynamicUser copy under /var/lib/private), the HMAC secret env file and the bootstrap credentials. Without it they are kept, so a later install finds them again.'
        Root       = 'Remove a staged install under this directory instead of the live host (no service is touched).'
        Role       = 'The role it was installed with: LiteFS removes litefs.service instead of nebulagc-server.service. Default: Master.'
    }
    Examples    = @(
        @{
            Title   = 'Remove the service, keep the data'
            Code    = 'Uninstall-NebulaGCServer -Confirm:$false'
            Remarks = 'The unit and command are gone; reinstalling later finds the data and secrets again.'
        }
        @{
            Title   = 'Remove everything'
            Code    = 'Uninstall-NebulaGCServer -RemoveData'
            Remarks = 'Asks before each step, then deletes the database directory (DataDir, and its DynamicUser copy under /var/lib/private), the HMAC secret env file and the bootstrap credentials too.'
        }
    )
}
