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
    # Speed and memory targets live here, never in timed tests: signing rate, bundle render time and long-poll wake-up
    # (server), then the daemon's RSS and idle CPU per cluster. Each exits non-zero when it misses a target.
    $failed = @()
    foreach ($bench in 'NebulaGC.Benchmarks', 'NebulaGC.DaemonBench') {
        & dotnet run -c Release --project (Join-Path $Root "bench/$bench/$bench.csproj")
        if ($LASTEXITCODE -ne 0) { $failed += $bench }
    }
    if ($failed) { throw "benchmarks missed a target: $($failed -join ', ')" }
}
