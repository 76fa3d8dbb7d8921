# Test: xunit (every test project in the solution) + Pester (tests/Pester), one summary line for both.

function Get-TrxCounts {
    param([string] $Directory)
    $counts = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($file in Get-ChildItem $Directory -Filter '*.trx' -ErrorAction SilentlyContinue) {
        [xml] $trx = Get-Content -LiteralPath $file.FullName -Raw
        $c = $trx.TestRun.ResultSummary.Counters
        $counts.Passed += [int] $c.passed
        $counts.Failed += [int] $c.failed + [int] $c.error + [int] $c.timeout + [int] $c.aborted
        $counts.Skipped += [int] $c.notExecuted
    }
    return $counts
}

function Invoke-PesterSuites {
    param([string] $ModulesPath, [string] $ResultPath)
    $suites = Join-Path $Root 'tests/Pester'
    if (-not (Get-ChildItem $suites -Filter '*.Tests.ps1' -Recurse -ErrorAction SilentlyContinue)) {
        return [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    }
    # A loaded binary module cannot be unloaded: every Pester pass runs in a fresh pwsh.
    $script = @"
`$env:PSModulePath = '$ModulesPath' + [IO.Path]::PathSeparator + `$env:PSModulePath
Import-Module Pester -RequiredVersion $PesterVersion
`$config = New-PesterConfiguration
`$config.Run.Path = '$suites'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Normal'
`$r = Invoke-Pester -Configuration `$config
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount } | ConvertTo-Json | Set-Content '$ResultPath'
"@
    # Under `dotnet pwsh` the process is dotnet itself, so start the child from PowerShell's own assembly; its output goes
    # to the console, not into this function's return value.
    & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script | Out-Host
    if (-not (Test-Path $ResultPath)) { return [ordered]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    $r = Get-Content $ResultPath -Raw | ConvertFrom-Json
    return [ordered]@{ Passed = [int] $r.Passed; Failed = [int] $r.Failed; Skipped = [int] $r.Skipped }
}

function Invoke-TestTask {
    param([string] $Configuration = 'Debug', [string] $Filter)
    Install-TestPrerequisites
    $modules = Install-Pester
    Invoke-SolutionBuild -Configuration $Configuration
    Invoke-PackageTask -Configuration $Configuration
    # Native-AOT binaries once per run (reused when current) and the release archive: the booted-systemd install tests
    # install that archive; the container image tests use out/publish directly.
    New-ReleaseArchive -PublishDir (Invoke-NativePublish) | Out-Null

    $results = Join-Path $Out 'test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    New-Item -ItemType Directory -Force $results | Out-Null

    $testArgs = @('test', (Join-Path $Root 'NebulaGC.sln'), '-c', $Configuration, '--no-build', '--nologo',
        '--logger', 'trx', '--logger', 'console;verbosity=normal', '--results-directory', $results)
    if ($Filter) { $testArgs += @('--filter', $Filter) }
    & dotnet @testArgs | Out-Host # to the console, not into the return value
    $xunitExit = $LASTEXITCODE
    $xunit = Get-TrxCounts $results

    $pester = Invoke-PesterSuites -ModulesPath $modules -ResultPath (Join-Path $results 'pester.json')

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    if ($xunitExit -ne 0 -and $xunit.Failed -eq 0) {
        Write-Host "dotnet test exited with $xunitExit without a failed test: counting the run as one failure"
        $failed += 1
    }
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped; Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    # Exit here rather than return a code: anything a called tool printed to the pipeline would be mixed into it.
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
    exit 0
}
