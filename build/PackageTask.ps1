# Package: the PowerShell module folder out/NebulaGC/<version>/ (manifest, dll, help, templates).

function Invoke-PackageTask {
    param([string] $Configuration = 'Release')
    $version = Get-ProductVersion
    $moduleDir = Join-Path $Out "NebulaGC/$version"
    if (Test-Path $moduleDir) { Remove-Item -Recurse -Force $moduleDir }
    New-Item -ItemType Directory -Force $moduleDir | Out-Null
    Invoke-Native dotnet @('publish', (Join-Path $Root 'NebulaGC.PowerShell/NebulaGC.PowerShell.csproj'), '-c', $Configuration, '-o', $moduleDir, '-nologo', '-v', 'quiet')
    Write-Host "Module laid out in $moduleDir"
}
