@{
    Synopsis    = 'Stops, disables and removes nebulagc-daemon.service and the nebulagc command; data, secrets and credentials stay unless -RemoveData.'
    Description = @'
Plans and carries out, asking for confirmation (ConfirmImpact High) right before each change: StopUnit, StopNebula (the daemon leaves nebula running on purpose; an uninstall stops it), DisableUnit, RemoveUnit, ReloadSystemd, UnlinkBinary and PruneReleases (release folders under /usr/local/lib/nebulagc no command uses any more). With -RemoveData it also deletes daemon.json (the node tokens) and /var/lib/nebulagc-daemon (node keys, applied configs). Returns an InstallReport; running it again reports Unchanged.
'@
    Parameters  = @{
        RemoveData = 'Also delete daemon.json (the node tokens) and /var/lib/nebulagc-daemon (node keys, applied configs). Without it they are kept, so a later install finds them again.'
        Root       = 'Remove a staged install under this directory instead of the live host (no service is touched).'
    }
    Examples    = @(
        @{
            Title   = 'Remove the service, keep the data'
            Code    = 'Uninstall-NebulaGCDaemon -Confirm:$false'
            Remarks = 'The unit and command are gone; reinstalling later finds the data and secrets again.'
        }
        @{
            Title   = 'Remove everything'
            Code    = 'Uninstall-NebulaGCDaemon -RemoveData'
            Remarks = 'Asks before each step, then deletes daemon.json (the node tokens) and /var/lib/nebulagc-daemon (node keys, applied configs) too.'
        }
    )
}
