# The benchmark harness (build.ps1 Bench) on its tiny setting: it runs end to end and writes its report. Its figures mean
# nothing at this size and the machine is shared, so no goal is asserted here; only that every section ran.
BeforeAll {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    [xml] $props = Get-Content (Join-Path $repo 'Directory.Build.props') -Raw
    $version = ($props.Project.PropertyGroup | Where-Object { $_.Version } | Select-Object -First 1).Version
    # Built by the Test task's solution build, in whichever configuration it used.
    function Find-Built([string] $Project) {
        Get-ChildItem (Join-Path $repo "bench/$Project/bin/*/net10.0/$Project.dll") | Sort-Object LastWriteTime | Select-Object -Last 1
    }
    $script:Bench = Find-Built 'NebulaGC.Benchmarks'
    $script:Baseline = Find-Built 'NebulaGC.KestrelBaseline'
    $script:Publish = Join-Path $repo 'out/publish'
    $script:Module = Join-Path $repo "out/NebulaGC/$version"
    $script:Out = Join-Path $TestDrive 'bench'
}

Describe 'build.ps1 Bench' {
    It 'runs every section on the tiny setting and writes results.md and results.json' {
        $Bench | Should -Not -BeNullOrEmpty
        $Baseline | Should -Not -BeNullOrEmpty
        Test-Path (Join-Path $Publish 'nebulagc-server') | Should -BeTrue -Because 'the Test task publishes the AOT binaries into out/publish'
        $output = & dotnet $Bench.FullName --tiny --out $Out --publish $Publish --baseline $Baseline.FullName --module $Module --pwsh (Join-Path $PSHOME 'pwsh') 2>&1
        $exit = $LASTEXITCODE
        # 0: every goal met, 1: a goal missed (expected at this size); anything else is the harness failing.
        $exit | Should -BeIn @(0, 1) -Because ($output -join "`n")
        $results = Get-Content (Join-Path $Out 'results.json') -Raw | ConvertFrom-Json
        $results.tiny | Should -BeTrue
        # A section that threw is recorded with the goal 'runs'.
        @($results.figures | Where-Object goal -EQ 'runs' | ForEach-Object { "$($_.name): $($_.detail)" }) | Should -BeNullOrEmpty
        $names = $results.figures.name
        foreach ($expected in 'bare Kestrel, GET /v1/config/version', 'server ÷ bare Kestrel throughput', 'host certificates signed per second (1 thread)',
            'AOT binary nebulagc-server', 'New-NebulaGCK8sManifest wall time incl. pwsh start (median)') {
            $names | Should -Contain $expected
        }
        $names | Where-Object { $_ -like 'long-poll wake-up p99*' } | Should -Not -BeNullOrEmpty
        $names | Where-Object { $_ -like 'server RSS per idle long-poll*' } | Should -Not -BeNullOrEmpty
        Get-Content (Join-Path $Out 'results.md') -Raw | Should -Match '\| server ÷ bare Kestrel throughput \|'
    }
}
