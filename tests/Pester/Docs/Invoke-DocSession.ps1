<#
.SYNOPSIS
    Runs the run blocks of one guide, in order, in one working directory, and records what each printed.
.DESCRIPTION
    Started by Docs.Tests.ps1 in a fresh pwsh (a binary module cannot be unloaded). pwsh blocks run in this process,
    dot-sourced so that a variable set by one block is there for the next, as in the reader's terminal; sh blocks run
    in bash, each in its own session so that whatever a block leaves running in the background (a server, Litestream)
    is stopped when the guide's run ends. The NebulaGC module is found through PSModulePath, as after Install-PSResource.
    systemd-sh and systemd-pwsh blocks run inside a real booted systemd host (systemd-nspawn of the cached Debian root,
    booted at the first such block with the working directory bound at /work, stopped at the end).
#>
param(
    [Parameter(Mandatory)][string] $BlocksPath,
    [Parameter(Mandatory)][string] $WorkDir,
    [Parameter(Mandatory)][string] $ResultPath,
    # The debootstrapped root the booted host starts from (build/SystemdHost.ps1).
    [string] $SystemdRoot = '/var/cache/nebulagc-tests/bookworm-root'
)

. (Join-Path $PSScriptRoot 'SystemdHost.ps1')
$PSStyle.OutputRendering = 'PlainText'
Set-Location $WorkDir
$results = [System.Collections.Generic.List[object]]::new()
$sessionsFile = Join-Path $WorkDir '.sessions'
foreach ($docBlock in (Get-Content $BlocksPath -Raw | ConvertFrom-Json)) {
    $started = [DateTime]::UtcNow
    $exitCode = 0
    if ($docBlock.Shell -in 'systemd-sh', 'systemd-pwsh') {
        if (-not $script:BootedHost) { Start-SystemdHost -WorkDir $WorkDir -SystemdRoot $SystemdRoot }
        $content = $docBlock.Content
        if ($docBlock.Shell -eq 'systemd-pwsh') {
            # As a script file: pwsh reading commands from standard input runs them line by line, which breaks pipelines
            # continued on the next line.
            $scriptName = ".block-$($docBlock.Line).ps1"
            Set-Content (Join-Path $WorkDir $scriptName) "`$PSStyle.OutputRendering = 'PlainText'`n`$ErrorActionPreference = 'Stop'`n$content"
            $content = "/usr/share/dotnet/dotnet /opt/pwsh/pwsh.dll -NoProfile -NonInteractive -File /work/$scriptName"
        }
        $result = Invoke-InHost $content
        $printed = $result.Output
        $exitCode = $result.ExitCode
    }
    elseif ($docBlock.Shell -eq 'sh') {
        # The first line only records the block's session id (bookkeeping, not part of the guide's command).
        $script = "echo `$`$ >> '$sessionsFile'`n" + $docBlock.Content
        $printed = & setsid --wait bash --noprofile --norc -e -o pipefail -c $script 2>&1 | ForEach-Object { "$_" }
        $exitCode = $LASTEXITCODE
        $printed = $printed -join "`n"
    }
    else {
        $ErrorActionPreference = 'Stop'
        try {
            $printed = . ([scriptblock]::Create($docBlock.Content)) *>&1 | Out-String -Width 150
        }
        catch {
            # What PowerShell's concise error view shows the reader.
            $command = if ($_.InvocationInfo -and $_.InvocationInfo.MyCommand) { "$($_.InvocationInfo.MyCommand.Name): " } else { '' }
            $printed = "$command$($_.Exception.Message)"
            $exitCode = 1
        }
        $ErrorActionPreference = 'Continue'
        Set-Location $WorkDir
    }
    $results.Add([pscustomobject]@{
            Line     = $docBlock.Line
            ExitCode = $exitCode
            Output   = "$printed"
            Seconds  = [math]::Round(([DateTime]::UtcNow - $started).TotalSeconds, 1)
        })
}
Stop-SystemdHost
if (Test-Path $sessionsFile) {
    foreach ($sessionId in Get-Content $sessionsFile) { & kill -TERM -- "-$sessionId" 2>$null }
}
ConvertTo-Json -InputObject @($results) -Depth 3 | Set-Content $ResultPath
