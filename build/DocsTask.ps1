# Examples and the docs tests' tools: examples/ is rendered from examples/values/ by the packaged module; the docs tests
# parse Mermaid diagrams with the mermaid npm package (in a jsdom window), installed idempotently into out/tools/docs-npm.

$DocsNpmPackages = [ordered]@{ 'mermaid' = '11.12.2'; 'jsdom' = '26.1.0' }

function Install-DocsPrerequisites {
    $prefix = Join-Path $Tools 'docs-npm'
    $missing = @($DocsNpmPackages.Keys | Where-Object {
            $manifest = Join-Path $prefix "node_modules/$_/package.json"
            -not (Test-Path $manifest) -or ((Get-Content $manifest -Raw | ConvertFrom-Json).version -ne $DocsNpmPackages[$_])
        })
    if ($missing.Count -eq 0) { return $prefix }
    if (-not (Get-Command npm -ErrorAction SilentlyContinue)) { throw 'npm is required to install mermaid for the docs tests: apt-get install -y npm' }
    New-Item -ItemType Directory -Force $prefix | Out-Null
    $specs = @($DocsNpmPackages.GetEnumerator() | ForEach-Object { "$($_.Key)@$($_.Value)" })
    Write-Host "Installing npm packages into ${prefix}: $($specs -join ', ')"
    Invoke-Native npm (@('install', '--prefix', $prefix, '--no-audit', '--no-fund', '--loglevel', 'error') + $specs)
    return $prefix
}

function Invoke-ExamplesTask {
    Invoke-PackageTask
    $examples = Join-Path $Root 'examples'
    $moduleManifest = Join-Path $Out "NebulaGC/$(Get-ProductVersion)/NebulaGC.psd1"
    # Everything but the values files is rendered output: start from an empty tree so a file no render produces goes away.
    Get-ChildItem $examples -Exclude 'values', 'README.md' | Remove-Item -Recurse -Force
    # A binary module cannot be unloaded: render in a fresh pwsh.
    $pwsh = Join-Path $PSHOME 'pwsh'
    $render = Join-Path $Root 'build/Render-Examples.ps1'
    & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$moduleManifest'; & '$render' -OutputDir '$examples' -ValuesDir '$(Join-Path $examples 'values')'"
    if ($LASTEXITCODE -ne 0) { throw "rendering examples/ failed (exit code $LASTEXITCODE)" }
    Write-Host "examples/ rendered from $(Join-Path $examples 'values')"
}
