<#
.SYNOPSIS
    Runs the run blocks of one guide, in order, in one working directory, and records what each printed.
.DESCRIPTION
    Started by Docs.Tests.ps1 in a fresh pwsh (a binary module cannot be unloaded). pwsh blocks run in this process,
    dot-sourced so that a variable set by one block is there for the next, as in the reader's terminal; sh blocks run
    in bash. The NebulaGC module is found through PSModulePath, as after Install-PSResource.
#>
param(
    [Parameter(Mandatory)][string] $BlocksPath,
    [Parameter(Mandatory)][string] $WorkDir,
    [Parameter(Mandatory)][string] $ResultPath
)
$PSStyle.OutputRendering = 'PlainText'
Set-Location $WorkDir
$results = [System.Collections.Generic.List[object]]::new()
foreach ($docBlock in (Get-Content $BlocksPath -Raw | ConvertFrom-Json)) {
    $started = [DateTime]::UtcNow
    $exitCode = 0
    if ($docBlock.Shell -eq 'sh') {
        $printed = & bash --noprofile --norc -e -o pipefail -c $docBlock.Content 2>&1 | ForEach-Object { "$_" }
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
$results | ConvertTo-Json -Depth 3 | Set-Content $ResultPath
