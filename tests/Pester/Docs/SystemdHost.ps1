# A real booted systemd host for the guides' systemd-sh / systemd-pwsh blocks: systemd-nspawn boots the cached Debian root
# (build/SystemdHost.ps1) with a volatile overlay, so the cache is never written; the caller's $WorkDir is bound at /work,
# .NET and PowerShell are bound read-only. Dot-sourced by Invoke-DocSession.ps1.

$script:BootedHost = $null

function Start-SystemdHost {
    param([Parameter(Mandatory)][string] $WorkDir, [Parameter(Mandatory)][string] $SystemdRoot)
    if (-not (Test-Path (Join-Path $SystemdRoot 'usr/lib/systemd/systemd'))) {
        throw "no debootstrapped root at '$SystemdRoot': 'dotnet pwsh ./build.ps1 Test' builds it"
    }
    $dotnetRoot = Split-Path (Split-Path (Split-Path ([Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory())))
    $log = Join-Path $WorkDir '.nspawn.log'
    $nspawnArgs = @('--quiet', '--register=no', '--keep-unit', '--boot', '--volatile=overlay', '--console=passive',
        "--machine=ngc-docs-$PID", "--directory=$SystemdRoot", '--private-network', "--bind=${WorkDir}:/work",
        "--bind-ro=${dotnetRoot}:/usr/share/dotnet", "--bind-ro=${PSHOME}:/opt/pwsh")
    $nspawn = Start-Process systemd-nspawn -ArgumentList $nspawnArgs -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err"
    $deadline = [DateTime]::UtcNow.AddSeconds(90)
    $script:BootedHost = [pscustomobject]@{ Process = $nspawn; Leader = $null }
    # The container's PID 1 is the child of systemd-nspawn; right after start that child may still be a short-lived
    # helper, so the leader is read again on every poll until systemd inside answers.
    while ($true) {
        if ($nspawn.HasExited) { throw "systemd-nspawn exited before the host booted: $(Get-Content "$log.err" -Raw)" }
        if ([DateTime]::UtcNow -gt $deadline) { throw 'the systemd host did not finish booting within 90 s' }
        $children = "/proc/$($nspawn.Id)/task/$($nspawn.Id)/children"
        $script:BootedHost.Leader = if (Test-Path $children) { @((Get-Content $children -Raw) -split ' ' | Where-Object { $_ })[0] }
        if ($script:BootedHost.Leader -and (Invoke-InHost 'systemctl is-system-running || true').Output.Trim() -in 'running', 'degraded') { return }
        Start-Sleep -Milliseconds 100
    }
}

function Invoke-InHost {
    param([string] $Script)
    $printed = & nsenter -t $script:BootedHost.Leader -a env -i 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' `
        'HOME=/root' 'LANG=C.UTF-8' 'TERM=dumb' 'POWERSHELL_TELEMETRY_OPTOUT=1' 'POWERSHELL_UPDATECHECK=Off' `
        bash --noprofile --norc -e -o pipefail -c "cd /work`n$Script" 2>&1 | ForEach-Object { "$_" }
    return [pscustomobject]@{ Output = ($printed -join "`n"); ExitCode = $LASTEXITCODE }
}

function Stop-SystemdHost {
    if (-not $script:BootedHost) { return }
    # SIGTERM makes systemd-nspawn power the container off.
    & kill -TERM $script:BootedHost.Process.Id 2>$null
    if (-not $script:BootedHost.Process.WaitForExit(15000)) { $script:BootedHost.Process.Kill($true) }
}
