# Docs tests: the deployment guides (docs/deployment/*.md) and examples/ are checked against the product.
# - examples/ is exactly what build/Render-Examples.ps1 renders from examples/values/ with the packaged module;
# - every fenced block is an excerpt of an example file, a command run here (with the output the guide shows),
#   a Mermaid diagram that parses, or marked not-run with a reason; at most 15 % are not run;
# - every env variable, metric, endpoint, flag, product path and cmdlet parameter a guide names exists;
# - links and anchors resolve.
BeforeDiscovery {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:Guides = @(Get-ChildItem (Join-Path $repo 'docs/deployment') -Filter '*.md' | Sort-Object Name |
            ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
}

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $PSScriptRoot 'Docs/DocTest.psm1') -Force
    [xml] $props = Get-Content (Join-Path $Repo 'Directory.Build.props') -Raw
    $version = ($props.Project.PropertyGroup | Where-Object { $_.Version } | Select-Object -First 1).Version
    $script:ModuleManifest = Join-Path $Repo "out/NebulaGC/$version/NebulaGC.psd1"
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $script:Pwsh = Join-Path $PSHOME 'pwsh'
    $script:Scratch = Join-Path ([IO.Path]::GetTempPath()) "nebulagc-docs-$PID"
    New-Item -ItemType Directory -Force $Scratch | Out-Null

    # What "exists in the code" means per kind of name.
    $sources = Get-ChildItem -Recurse -File -Path (Join-Path $Repo 'NebulaGC.Server'), (Join-Path $Repo 'NebulaGC.Daemon'),
        (Join-Path $Repo 'NebulaGC.Client'), (Join-Path $Repo 'NebulaGC.PowerShell') -Include '*.cs' |
        Where-Object { $_.FullName -notmatch '[/\\](bin|obj)[/\\]' }
    $script:CodeText = ($sources | ForEach-Object { [IO.File]::ReadAllText($_.FullName) }) -join "`n"
    $templates = Get-ChildItem -Recurse -File (Join-Path $Repo 'templates')
    $script:TemplateText = ($templates | ForEach-Object { [IO.File]::ReadAllText($_.FullName) }) -join "`n"
    $examples = Get-ChildItem -Recurse -File (Join-Path $Repo 'examples')
    $script:ExamplesText = ($examples | ForEach-Object { [IO.File]::ReadAllText($_.FullName) }) -join "`n"
    $openApi = Get-Content (Join-Path $Repo 'docs/api/openapi.json') -Raw | ConvertFrom-Json
    $script:Endpoints = @($openApi.paths.PSObject.Properties.Name | ForEach-Object { $_ -replace '\{[^}]+\}', '{}' })

    # Tools the run blocks call, on PATH as on an operator's host. The AOT publish leaves a bare native binary under
    # bin/Release/.../native without its libe_sqlite3.so: take the build's apphost instead.
    $serverBin = Get-ChildItem (Join-Path $Repo 'NebulaGC.Server/bin') -Recurse -Filter 'nebulagc-server' -File -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -notmatch '[/\\](publish|native)[/\\]' } | Sort-Object LastWriteTime -Descending | Select-Object -First 1
    $pathParts = @(
        $(if ($serverBin) { $serverBin.DirectoryName }),
        (Join-Path $Repo 'out/tools/npm/node_modules/.bin'),
        (Join-Path $Repo 'out/tools/npm/node_modules/@flydotio/litestream-linux-x64'),
        '/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/bin'
    ) | Where-Object { $_ }
    $script:SessionPath = ($pathParts -join [IO.Path]::PathSeparator) + [IO.Path]::PathSeparator + $env:PATH

    # Every guide's commands run in their own session process, all started here at once: they use separate working
    # directories and ports, and most of their time is spent waiting (pwsh start-up, servers, a booting host).
    $script:Sessions = @{}
    foreach ($guide in Get-ChildItem (Join-Path $Repo 'docs/deployment') -Filter '*.md') {
        $runs = @(Get-DocBlock $guide.FullName | Where-Object Kind -EQ 'run')
        if ($runs.Count -eq 0) { continue }
        $entry = [pscustomobject]@{ Session = $null; Process = $null; ResultPath = $null; Problem = $null }
        $Sessions[$guide.Name] = $entry
        $work = Join-Path $Scratch $guide.BaseName
        New-Item -ItemType Directory -Force $work | Out-Null
        Copy-Item -Recurse (Join-Path $Repo 'examples') $work
        if (@($runs | Where-Object { $_.Argument -like 'systemd-*' }).Count -gt 0) {
            # The release archive build.ps1 Publish lays out is what a reader downloads next to the guide's commands.
            $archive = Get-ChildItem (Join-Path $Repo 'out/release') -Filter 'nebulagc-*-linux-x64.tar.gz' -ErrorAction SilentlyContinue | Select-Object -First 1
            if (-not $archive) { $entry.Problem = 'the systemd blocks install from the release archive: run build.ps1 Publish'; continue }
            Copy-Item $archive.FullName $work
        }
        $entry.Session = @(foreach ($b in $runs) {
                $shell, $options = $b.Argument -split '\s+', 2
                $exit = if ($options -match 'exit=(\d+)') { [int] $Matches[1] } else { 0 }
                [pscustomobject]@{ Line = $b.Line; Shell = $shell; Exit = $exit; Content = $b.Content }
            })
        $unknown = @($entry.Session | Where-Object Shell -NotIn 'pwsh', 'sh', 'systemd-sh', 'systemd-pwsh')
        if ($unknown) { $entry.Problem = "line $($unknown[0].Line): unknown shell '$($unknown[0].Shell)'"; continue }
        $blocksPath = Join-Path $work '.blocks.json'
        $entry.ResultPath = Join-Path $work '.results.json'
        ConvertTo-Json -InputObject @($entry.Session) -Depth 3 | Set-Content $blocksPath
        $root = if ($env:NEBULAGC_TEST_SYSTEMD_ROOT) { $env:NEBULAGC_TEST_SYSTEMD_ROOT } else { '/var/cache/nebulagc-tests/bookworm-root' }
        $psi = [Diagnostics.ProcessStartInfo]::new($Pwsh)
        foreach ($arg in '-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Docs/Invoke-DocSession.ps1'),
            '-BlocksPath', $blocksPath, '-WorkDir', $work, '-ResultPath', $entry.ResultPath, '-SystemdRoot', $root) { $psi.ArgumentList.Add($arg) }
        $psi.Environment['PATH'] = $SessionPath
        $psi.Environment['PSModulePath'] = (Join-Path $Repo 'out') + [IO.Path]::PathSeparator + $env:PSModulePath
        # Output (only a runner that fails prints any) goes to this console; results go to the JSON file.
        $psi.UseShellExecute = $false
        $process = [Diagnostics.Process]::Start($psi)
        $entry.Process = $process
    }
    $script:Counts = [ordered]@{ run = 0; output = 0; excerpt = 0; mermaid = 0; 'not-run' = 0; unmarked = 0 }
    $script:GuideCounts = [ordered]@{}
}

AfterAll {
    foreach ($entry in $Sessions.Values) {
        if ($entry.Process -and -not $entry.Process.HasExited) { $entry.Process.Kill($true) }
    }
    if ($Scratch -and (Test-Path $Scratch)) { Remove-Item -Recurse -Force $Scratch -ErrorAction SilentlyContinue }
}

Describe 'examples/' {
    It 'is exactly what build/Render-Examples.ps1 renders from examples/values/ (run ./build.ps1 Examples after a change)' {
        $fresh = Join-Path $Scratch 'examples'
        $render = Join-Path $Repo 'build/Render-Examples.ps1'
        & $Pwsh -NoProfile -NonInteractive -Command "Import-Module '$ModuleManifest'; & '$render' -OutputDir '$fresh' -ValuesDir '$(Join-Path $Repo 'examples/values')'" | Out-Null
        $LASTEXITCODE | Should -Be 0
        $committed = Join-Path $Repo 'examples'
        $list = {
            param($dir)
            Get-ChildItem $dir -Recurse -File -Force | Where-Object { $_.FullName -notmatch '[/\\]values[/\\]' -and $_.Name -ne 'README.md' } |
                ForEach-Object { [IO.Path]::GetRelativePath($dir, $_.FullName) -replace '\\', '/' } | Sort-Object
        }
        $want = @(& $list $fresh)
        $have = @(& $list $committed)
        $want.Count | Should -BeGreaterThan 50
        Compare-Object $want $have | ForEach-Object { "$($_.InputObject) $(if ($_.SideIndicator -eq '<=') { 'is rendered but not committed' } else { 'is committed but no longer rendered' })" } |
            Should -BeNullOrEmpty
        $differing = foreach ($file in $want) {
            if ([IO.File]::ReadAllText((Join-Path $fresh $file)) -cne [IO.File]::ReadAllText((Join-Path $committed $file))) { $file }
        }
        $differing | Should -BeNullOrEmpty -Because 'examples/ is never edited by hand'
    }
}

Describe 'Guide <Name>' -ForEach $Guides {
    BeforeAll {
        $script:Blocks = @(Get-DocBlock $Path)
        foreach ($b in $Blocks) { $Counts[$b.Kind]++ }
        $GuideCounts[$Name] = ($Blocks | Group-Object Kind | Sort-Object Name | ForEach-Object { "$($_.Count) $($_.Name)" }) -join ', '
    }

    It 'has the fixed skeleton' -Skip:($Name -eq 'README.md') {
        $headings = @([IO.File]::ReadAllLines($Path) | Where-Object { $_ -match '^## ' } | ForEach-Object { $_.Substring(3).Trim() })
        $skeleton = 'When to use this', 'Prerequisites', 'Install', 'Configure', 'Verify', 'Operate', 'Security', 'Troubleshooting', 'Reference'
        $headings | Should -Be $skeleton
    }

    It 'marks every fenced block (excerpt, run, output or not-run)' {
        $Blocks | Where-Object Kind -EQ 'unmarked' | ForEach-Object { "line $($_.Line): unmarked ``````$($_.Language) block" } |
            Should -BeNullOrEmpty
        $Blocks | Where-Object { $_.Kind -eq 'not-run' -and -not $_.Argument } | ForEach-Object { "line $($_.Line): not-run without a reason" } |
            Should -BeNullOrEmpty
        for ($i = 0; $i -lt $Blocks.Count; $i++) {
            if ($Blocks[$i].Kind -eq 'output') {
                ($i -gt 0 -and $Blocks[$i - 1].Kind -eq 'run') | Should -BeTrue -Because "the output block on line $($Blocks[$i].Line) must follow a run block"
            }
        }
    }

    It 'quotes example files verbatim in its excerpts' {
        $problems = foreach ($b in $Blocks | Where-Object Kind -EQ 'excerpt') {
            $file = Join-Path $Repo $b.Argument
            if (-not (Test-Path -LiteralPath $file -PathType Leaf)) { "line $($b.Line): $($b.Argument) does not exist"; continue }
            if (-not (Test-ExcerptOf -Excerpt $b.Content -FileText ([IO.File]::ReadAllText($file)))) {
                "line $($b.Line): not a verbatim run of lines of $($b.Argument)"
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'runs every command it shows and prints what it says' {
        $runs = @($Blocks | Where-Object Kind -EQ 'run')
        if ($runs.Count -eq 0) { Set-ItResult -Skipped -Because 'the guide shows no command'; return }
        $started = $Sessions[$Name]
        $started.Problem | Should -BeNullOrEmpty
        $session = $started.Session
        # Generous: a guide's drills take well under a minute on an idle machine.
        $started.Process.WaitForExit(600000) | Should -BeTrue -Because 'the guide''s commands finish within 10 minutes'
        $resultPath = $started.ResultPath
        $resultPath | Should -Exist -Because 'the session runner writes its results there (its errors are in the output above)'
        $results = @(Get-Content $resultPath -Raw | ConvertFrom-Json)
        $results.Count | Should -Be $runs.Count
        $problems = for ($k = 0; $k -lt $runs.Count; $k++) {
            $run = $runs[$k]
            $result = $results[$k]
            $expectedExit = $session[$k].Exit
            if ($result.ExitCode -ne $expectedExit) {
                "line $($run.Line): exit code $($result.ExitCode), expected $expectedExit; printed:`n$($result.Output)"
                continue
            }
            $index = [array]::IndexOf($Blocks, $run)
            $outputBlock = if ($index + 1 -lt $Blocks.Count -and $Blocks[$index + 1].Kind -eq 'output') { $Blocks[$index + 1] }
            $expected = if ($outputBlock) { $outputBlock.Content } else { '' }
            if (-not (Test-ExpectedOutput -Expected $expected -Actual $result.Output)) {
                $what = if ($outputBlock) { "the output block on line $($outputBlock.Line)" } else { 'no output (the guide shows none)' }
                "line $($run.Line): printed something else than ${what}:`n$($result.Output)"
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'names only variables, metrics, endpoints, flags, paths and cmdlet parameters that exist' {
        $problems = foreach ($n in Get-GuideName $Path) {
            $ok = switch ($n.Kind) {
                'EnvVar' { $CodeText.Contains("`"$($n.Name)`"") -or $CodeText.Contains($n.Name) }
                # Also names the rendered configs define (HAProxy backends such as nebulagc_master).
                'Metric' { $CodeText.Contains("`"$($n.Name)`"") -or $TemplateText.Contains($n.Name) -or $ExamplesText.Contains($n.Name) }
                'Endpoint' { ($n.Name -replace '\{[^}]+\}', '{}') -in $Endpoints }
                'Flag' { $CodeText.Contains("`"$($n.Name)`"") }
                'Path' { $CodeText.Contains($n.Name) -or $TemplateText.Contains($n.Name) -or $ExamplesText.Contains($n.Name) }
                'ExampleFile' { Test-Path (Join-Path $Repo $n.Name) }
                'Cmdlet' { [bool](Get-Command $n.Name -Module NebulaGC -ErrorAction SilentlyContinue) }
                'Parameter' {
                    $cmdlet, $parameter = $n.Name -split ' -', 2
                    $command = Get-Command $cmdlet -Module NebulaGC -ErrorAction SilentlyContinue
                    $command -and ($command.Parameters.Keys -contains $parameter -or
                        @($command.Parameters.Values | Where-Object { $_.Aliases -contains $parameter }).Count -gt 0 -or
                        $parameter -in [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
                }
            }
            if (-not $ok) { "$($n.Kind) $($n.Name) does not exist" }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'has links and anchors that resolve' {
        $problems = foreach ($link in Get-MarkdownLink $Path) {
            if ($link.External) { continue } # no network here: external links are not followed
            $target = if ($link.File) { Join-Path (Split-Path $Path) $link.File } else { $Path }
            if (-not (Test-Path -LiteralPath $target)) { "link $($link.Target): $($link.File) does not exist"; continue }
            if ($link.Anchor -and $target -like '*.md' -and $link.Anchor -notin @(Get-MarkdownAnchor $target)) {
                "link $($link.Target): no heading with anchor #$($link.Anchor)"
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'has Mermaid diagrams that parse' {
        $diagrams = @($Blocks | Where-Object Kind -EQ 'mermaid')
        if ($diagrams.Count -eq 0) { Set-ItResult -Skipped -Because 'the guide has no diagram'; return }
        $diagramFile = Join-Path $Scratch "mermaid-$([IO.Path]::GetFileNameWithoutExtension($Name)).json"
        ConvertTo-Json -InputObject @($diagrams | ForEach-Object { @{ id = "line $($_.Line)"; text = $_.Content } }) | Set-Content $diagramFile
        $env:NODE_PATH = Join-Path $Repo 'out/tools/docs-npm/node_modules'
        $script = Join-Path $Repo 'out/tools/docs-npm/parse-mermaid.mjs'
        # An ES module resolves imports next to itself: run a copy placed beside node_modules.
        Copy-Item (Join-Path $PSScriptRoot 'Docs/parse-mermaid.mjs') $script -Force
        $json = & node $script $diagramFile
        $LASTEXITCODE | Should -Be 0
        ($json | ConvertFrom-Json) | Where-Object { -not $_.ok } | ForEach-Object { "$($_.id): $($_.error)" } | Should -BeNullOrEmpty
    }
}

Describe 'All guides together' {
    It 'run, excerpt or parse at least 85 % of their blocks (not-run at most 15 %)' {
        $total = ($Counts.Values | Measure-Object -Sum).Sum
        foreach ($guide in $GuideCounts.GetEnumerator()) { Write-Host "  $($guide.Key): $($guide.Value)" }
        Write-Host ("Docs blocks: {0} run, {1} output, {2} excerpt, {3} mermaid, {4} not-run, {5} unmarked (of {6})" -f
            $Counts.run, $Counts.output, $Counts.excerpt, $Counts.mermaid, $Counts.'not-run', $Counts.unmarked, $total)
        $total | Should -BeGreaterThan 0
        $Counts.unmarked | Should -Be 0
        ($Counts.'not-run' / $total) | Should -BeLessOrEqual 0.15
    }
}
