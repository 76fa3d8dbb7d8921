# Helpers shared by the build tasks.

function Invoke-Native {
    param([Parameter(Mandatory)][string] $FilePath, [string[]] $ArgumentList = @())
    Write-Verbose "> $FilePath $($ArgumentList -join ' ')"
    # To the console, never into a caller's return value.
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE"
    }
}

function Get-ProductVersion {
    [xml] $props = Get-Content (Join-Path $Root 'Directory.Build.props') -Raw
    return ($props.Project.PropertyGroup | Where-Object { $_.Version } | Select-Object -First 1).Version
}

function Invoke-SolutionBuild {
    param([string] $Configuration = 'Debug')
    Invoke-Native dotnet @('build', (Join-Path $Root 'NebulaGC.sln'), '-c', $Configuration, '-nologo', '-v', 'quiet', '-clp:ErrorsOnly')
}

function Get-ServerDll {
    param([string] $Configuration = 'Debug')
    return Join-Path $Root "NebulaGC.Server/bin/$Configuration/net10.0/nebulagc-server.dll"
}

function Invoke-BenchTask {
    # Speed, memory and size goals live here, never in timed tests: HTTP throughput against a bare Kestrel ceiling,
    # long-poll wake-up and memory, signing, rendering, binary and image sizes, toolkit render time (server bench,
    # out/bench/results.md and results.json), then the daemon's RSS and idle CPU per cluster. Each exits non-zero when
    # it misses a goal.
    Install-AptPackages $AptPackages
    $publish = Invoke-NativePublish
    Invoke-PackageTask -Configuration Release
    $baselineProject = Join-Path $Root 'bench/NebulaGC.KestrelBaseline/NebulaGC.KestrelBaseline.csproj'
    Invoke-Native dotnet @('build', $baselineProject, '-c', 'Release', '-nologo', '-v', 'quiet', '-clp:ErrorsOnly')
    $benchArgs = @('--out', (Join-Path $Out 'bench'), '--publish', $publish,
        '--baseline', (Join-Path $Root 'bench/NebulaGC.KestrelBaseline/bin/Release/net10.0/NebulaGC.KestrelBaseline.dll'),
        '--module', (Join-Path $Out "NebulaGC/$(Get-ProductVersion)"), '--pwsh', (Join-Path $PSHOME 'pwsh'))
    $failed = @()
    & dotnet run -c Release --project (Join-Path $Root 'bench/NebulaGC.Benchmarks/NebulaGC.Benchmarks.csproj') -- @benchArgs
    if ($LASTEXITCODE -ne 0) { $failed += 'NebulaGC.Benchmarks' }
    & dotnet run -c Release --project (Join-Path $Root 'bench/NebulaGC.DaemonBench/NebulaGC.DaemonBench.csproj')
    if ($LASTEXITCODE -ne 0) { $failed += 'NebulaGC.DaemonBench' }
    if ($failed) { throw "benchmarks missed a goal: $($failed -join ', ') (see $(Join-Path $Out 'bench/results.md'))" }
}
