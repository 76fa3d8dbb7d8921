#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Renders examples/ from the committed values files in examples/values/ with the NebulaGC module.
.DESCRIPTION
    Run by `build.ps1 Examples` (into examples/) and by the docs tests (into a temp dir, compared with examples/).
    Generated secrets (the toolkit's create-only files: HMAC secrets) are removed: they differ on every render and
    must never be committed.
    The NebulaGC module must already be imported.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $OutputDir,
    [Parameter(Mandatory)][string] $ValuesDir
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
# One values file per topology serves every cmdlet of that topology: each cmdlet warns about the keys it does not
# read, which is expected here.
$WarningPreference = 'SilentlyContinue'

$single = Join-Path $ValuesDir 'single.yml'
$litestream = Join-Path $ValuesDir 'litestream.yml'
$litefs = Join-Path $ValuesDir 'litefs.yml'
$rendered = [System.Collections.Generic.List[object]]::new()
function Add-Rendered { process { $rendered.Add($_) } }

# systemd: units and env files of every component.
$systemd = Join-Path $OutputDir 'systemd'
New-NebulaGCSystemdUnit -Component Server -ValuesPath $litestream -Path $systemd -PassThru | Add-Rendered
New-NebulaGCSystemdUnit -Component Daemon -ValuesPath $single -Path $systemd -PassThru | Add-Rendered
New-NebulaGCSystemdUnit -Component Litestream -ValuesPath $litestream -Path $systemd -PassThru | Add-Rendered
New-NebulaGCSystemdUnit -Component LiteFS -ValuesPath $litefs -Path (Join-Path $systemd 'litefs') -PassThru | Add-Rendered

# Docker: Dockerfiles and one compose file per topology.
$docker = Join-Path $OutputDir 'docker'
New-NebulaGCDockerfile -Component Server -ValuesPath $single -Path $docker -PassThru | Add-Rendered
New-NebulaGCDockerfile -Component Daemon -ValuesPath $single -Path $docker -PassThru | Add-Rendered
foreach ($topology in @{ single = $single; litestream = $litestream; litefs = $litefs }.GetEnumerator()) {
    $name = (Get-Culture).TextInfo.ToTitleCase($topology.Key) -replace '^Litefs$', 'LiteFS'
    New-NebulaGCComposeFile -Topology $name -ValuesPath $topology.Value -Path (Join-Path $docker "compose-$($topology.Key)") -PassThru | Add-Rendered
}

# Kubernetes: one kustomize base per topology.
New-NebulaGCK8sManifest -Topology Single -ValuesPath $single -Path (Join-Path $OutputDir 'k8s/single') -PassThru | Add-Rendered
New-NebulaGCK8sManifest -Topology Litestream -ValuesPath $litestream -Path (Join-Path $OutputDir 'k8s/litestream') -PassThru | Add-Rendered
New-NebulaGCK8sManifest -Topology LiteFS -ValuesPath $litefs -Path (Join-Path $OutputDir 'k8s/litefs') -PassThru | Add-Rendered

# Litestream: every replica type in both dialects.
$replicas = [ordered]@{
    S3   = @{ Bucket = 'nebulagc-backups'; Region = 'eu-west-1' }
    GCS  = @{ Bucket = 'nebulagc-backups' }
    ABS  = @{ Bucket = 'nebulagc-backups'; AccountName = 'nebulagcstorage' }
    SFTP = @{ SftpHost = 'backup.example.com:22'; SftpUser = 'litestream'; ReplicaPath = '/srv/litestream/nebulagc' }
    File = @{ ReplicaPath = '/var/backups/nebulagc' }
}
foreach ($dialect in '0.3', '0.5') {
    foreach ($replica in $replicas.GetEnumerator()) {
        $target = Join-Path $OutputDir "litestream/$dialect/$($replica.Key.ToLowerInvariant())"
        $params = $replica.Value
        New-NebulaGCLitestreamConfig -ValuesPath $litestream -LitestreamVersion $dialect -Replica $replica.Key @params -Path $target -PassThru | Add-Rendered
    }
}

# LiteFS: both leases.
New-NebulaGCLiteFSConfig -Lease Consul -ValuesPath $litefs -Hostname cp1 -AdvertiseUrl http://cp1:20202 -Path (Join-Path $OutputDir 'litefs/consul') -PassThru | Add-Rendered
New-NebulaGCLiteFSConfig -Lease Static -ValuesPath $litefs -Hostname cp1 -AdvertiseUrl http://cp1:20202 -PrimaryHostname cp1 -Path (Join-Path $OutputDir 'litefs/static') -PassThru | Add-Rendered

# Load balancers in front of the LiteFS instances, and monitoring.
New-NebulaGCLoadBalancerConfig -Kind HAProxy -ValuesPath $litefs -Path (Join-Path $OutputDir 'loadbalancer') -PassThru | Add-Rendered
New-NebulaGCLoadBalancerConfig -Kind Nginx -ValuesPath $litefs -Path (Join-Path $OutputDir 'loadbalancer') -PassThru | Add-Rendered
New-NebulaGCMonitoring -IncludeLiteFS -ValuesPath $litefs -Path (Join-Path $OutputDir 'monitoring') -PassThru | Add-Rendered

foreach ($file in $rendered) {
    if ($file.CreateOnly) { Remove-Item -LiteralPath $file.Path -Force }
}
Get-ChildItem $OutputDir -Directory -Recurse | Sort-Object { $_.FullName.Length } -Descending |
    Where-Object { -not (Get-ChildItem $_.FullName -Force) } | Remove-Item
