# Package: the PowerShell module folder out/NebulaGC/<version>/ (manifest, dll, format, help, templates).

function Invoke-PackageTask {
    param([string] $Configuration = 'Release')
    $version = Get-ProductVersion
    $moduleDir = Join-Path $Out "NebulaGC/$version"
    if (Test-Path $moduleDir) { Remove-Item -Recurse -Force $moduleDir }
    New-Item -ItemType Directory -Force $moduleDir | Out-Null
    $project = Join-Path $Root 'NebulaGC.PowerShell'
    Invoke-Native dotnet @('publish', (Join-Path $project 'NebulaGC.PowerShell.csproj'), '-c', $Configuration, '-o', $moduleDir, '-nologo', '-v', 'quiet')
    # PowerShell itself provides these at run time; shipping them only adds clutter.
    Get-ChildItem $moduleDir -Filter '*.pdb' | Remove-Item
    # SQLite's native library (backup/restore) for the Linux hosts the operate cmdlets run on; not for 20 other platforms.
    $keep = @('linux-x64', 'linux-arm64', 'linux-musl-x64', 'linux-musl-arm64')
    Get-ChildItem (Join-Path $moduleDir 'runtimes') -Directory | Where-Object Name -NotIn $keep | Remove-Item -Recurse

    # The manifest, stamped with the one product version.
    $manifest = Get-Content (Join-Path $project 'NebulaGC.psd1') -Raw
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$version'"
    Set-Content -Path (Join-Path $moduleDir 'NebulaGC.psd1') -Value $manifest -NoNewline
    Copy-Item (Join-Path $project 'NebulaGC.Format.ps1xml') $moduleDir

    # The templates the module embeds, as a reference for -TemplatePath overrides.
    Copy-Item -Recurse (Join-Path $Root 'templates') (Join-Path $moduleDir 'templates')

    # Help (MAML) generated from NebulaGC.PowerShell/Help in a fresh pwsh: a binary module cannot be unloaded.
    $pwsh = Join-Path $PSHOME 'pwsh' # under 'dotnet pwsh' the process path is dotnet itself
    & $pwsh -NoProfile -NonInteractive -File (Join-Path $project 'Help/Build-ModuleHelp.ps1') -ModuleDir $moduleDir
    if ($LASTEXITCODE -ne 0) { throw "generating module help failed (exit code $LASTEXITCODE)" }
    Copy-Item (Join-Path $project 'Help/about_*.help.txt') (Join-Path $moduleDir 'en-US')

    # A .nupkg of the module for a PowerShell repository (Publish-PSResource / Install-PSResource).
    $packages = Join-Path $Out 'packages'
    New-Item -ItemType Directory -Force $packages | Out-Null
    Remove-Item (Join-Path $packages "NebulaGC.$version.nupkg") -ErrorAction SilentlyContinue
    Compress-PSResource -Path $moduleDir -DestinationPath $packages
    Write-Host "Module laid out in $moduleDir; package $(Join-Path $packages "NebulaGC.$version.nupkg")"
}
