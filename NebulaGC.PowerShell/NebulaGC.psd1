# Module manifest of NebulaGC. ModuleVersion is stamped from Directory.Build.props by build.ps1 Package.
@{
    RootModule           = 'NebulaGC.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = '5c7d1a52-3f0e-4d8e-9a51-6f1b2c9e4a10'
    Author               = 'NebulaGC'
    CompanyName          = 'NebulaGC'
    Copyright            = '(c) NebulaGC contributors'
    Description          = 'Deploy and operate NebulaGC, a control plane for Nebula overlay networks: renders systemd, Docker, Kubernetes, Litestream, LiteFS, load-balancer and monitoring configurations that the real tools accept, and backs up, restores and fails over a running control plane.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('NebulaGC.Format.ps1xml')
    CmdletsToExport      = @(
        'New-NebulaGCSystemdUnit'
        'New-NebulaGCLitestreamConfig'
        'New-NebulaGCK8sManifest'
        'New-NebulaGCLiteFSConfig'
        'New-NebulaGCLoadBalancerConfig'
        'New-NebulaGCMonitoring'
        'New-NebulaGCSecret'
        'New-NebulaGCDockerfile'
        'New-NebulaGCComposeFile'
        'Test-NebulaGCDeployment'
        'Get-NebulaGCValues'
        'Get-NebulaGCInstance'
        'Backup-NebulaGCDatabase'
        'Restore-NebulaGCDatabase'
        'Invoke-NebulaGCFailover'
        'Install-NebulaGCServer'
        'Install-NebulaGCDaemon'
        'Uninstall-NebulaGCServer'
        'Uninstall-NebulaGCDaemon'
        'Get-NebulaGCRoute'
        'Approve-NebulaGCRoute'
        'Deny-NebulaGCRoute'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Nebula', 'NebulaGC', 'overlay', 'VPN', 'deployment', 'systemd', 'Kubernetes', 'Litestream', 'LiteFS', 'Linux', 'PSEdition_Core')
            ProjectUri = 'https://github.com/nebulagc/nebulagc'
            LicenseUri = 'https://github.com/nebulagc/nebulagc/blob/main/LICENSE'
        }
    }
}
