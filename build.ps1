#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates NebulaGC.
.DESCRIPTION
    Tasks:
      Build    compile the solution
      Test     install test prerequisites (apt, npm, Pester), run xunit and Pester, print one "N passed, N failed, N skipped" line
      Demo     start a local master on an embedded SQLite file under .demo/, bootstrap a tenant, cluster and admin node,
               print the credentials and one working API call; serves until Ctrl+C (-NoWait returns at once)
      Package  lay out the PowerShell module under out/NebulaGC/<version>/
      Publish  Native-AOT binaries of nebulagc-server and nebulagc under out/publish/ (rebuilt only when a source is newer), and the
               release archive out/release/nebulagc-<version>-linux-x64.tar.gz (binaries, packaged module, SHA256SUMS)
      Bench    run the benchmarks and print their figures
      Examples render examples/ from the values files in examples/values/ (the docs tests fail when they drift)
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Publish', 'Bench', 'Examples')]
    [string] $Task = 'Build',
    [string] $Configuration = 'Debug',
    # Demo: return after printing instead of serving until Ctrl+C.
    [switch] $NoWait,
    # Test: an xunit filter expression (dotnet test --filter) to run a subset; Pester still runs.
    [string] $Filter
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$Tools = Join-Path $Out 'tools'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

. (Join-Path $Root 'build/Common.ps1')
. (Join-Path $Root 'build/Prerequisites.ps1')
. (Join-Path $Root 'build/TestTask.ps1')
. (Join-Path $Root 'build/DemoTask.ps1')
. (Join-Path $Root 'build/PackageTask.ps1')
. (Join-Path $Root 'build/ToolkitPrerequisites.ps1')
. (Join-Path $Root 'build/PublishTask.ps1')
. (Join-Path $Root 'build/SystemdHost.ps1')
. (Join-Path $Root 'build/DocsTask.ps1')

switch ($Task) {
    'Build' { Invoke-SolutionBuild -Configuration $Configuration }
    'Test' { Invoke-TestTask -Configuration $Configuration -Filter $Filter }
    'Demo' { Invoke-DemoTask -Configuration $Configuration -NoWait:$NoWait }
    'Package' { Invoke-PackageTask }
    'Publish' { Invoke-PublishTask }
    'Bench' { Invoke-BenchTask }
    'Examples' { Invoke-ExamplesTask }
}
