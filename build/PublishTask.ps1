# Publish: Native-AOT nebulagc-server (+ libe_sqlite3.so) and nebulagc under out/publish/, and the release archive
# out/release/nebulagc-<version>-linux-x64.tar.gz that Install-NebulaGCServer / Install-NebulaGCDaemon take as -Source.
#
# out/publish is a stable path: the Test task builds it once per run (or reuses it when no source is newer) and the
# tests that need real binaries consume it from there (the booted-systemd install tests via the archive, the container
# image tests directly). AOT compiling on 2 cores takes minutes, so never publish it a second time in one run.

$NativeProjects = @('NebulaGC.Server', 'NebulaGC.Daemon')
$NativeBinaries = @('nebulagc-server', 'libe_sqlite3.so', 'nebulagc')

# SHA-256 over the path and content of every source file the two executables are built from. Stored beside the
# binaries after a publish: equal means the binaries are current (mtimes are not enough: a merge during a publish
# leaves sources older than binaries built from their previous content).
function Get-NativeSourceHash {
    $files = @('Directory.Build.props', 'Directory.Packages.props') | ForEach-Object { Get-Item (Join-Path $Root $_) }
    foreach ($project in @($NativeProjects) + 'NebulaGC.Client') {
        $files += Get-ChildItem (Join-Path $Root $project) -Recurse -File | Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }
    }
    $sha = [Security.Cryptography.IncrementalHash]::CreateHash([Security.Cryptography.HashAlgorithmName]::SHA256)
    foreach ($file in $files | Sort-Object FullName) {
        $sha.AppendData([Text.Encoding]::UTF8.GetBytes([IO.Path]::GetRelativePath($Root, $file.FullName) + "`n"))
        $sha.AppendData([IO.File]::ReadAllBytes($file.FullName))
    }
    return [Convert]::ToHexString($sha.GetHashAndReset()).ToLowerInvariant()
}

function Invoke-NativePublish {
    $publish = Join-Path $Out 'publish'
    $stampFile = Join-Path $publish '.sources.sha256'
    $hash = Get-NativeSourceHash
    $present = @($NativeBinaries | Where-Object { Test-Path (Join-Path $publish $_) }).Count -eq $NativeBinaries.Count
    if ($present -and (Test-Path $stampFile) -and (Get-Content $stampFile -Raw).Trim() -eq $hash) {
        Write-Host "Native binaries in $publish are current"
        return $publish
    }
    $started = [Diagnostics.Stopwatch]::StartNew()
    Remove-Item $stampFile -ErrorAction SilentlyContinue
    foreach ($project in $NativeProjects) {
        Invoke-Native dotnet @('publish', (Join-Path $Root "$project/$project.csproj"), '-c', 'Release', '-r', 'linux-x64', '-o', $publish, '-nologo', '-v', 'quiet', '-clp:ErrorsOnly')
    }
    Set-Content -Path $stampFile -Value $hash
    Write-Host ("Native binaries in $publish ({0:N0} s)" -f $started.Elapsed.TotalSeconds)
    return $publish
}

function New-ReleaseArchive {
    param([Parameter(Mandatory)][string] $PublishDir)
    $version = Get-ProductVersion
    $name = "nebulagc-$version-linux-x64"
    $release = Join-Path $Out 'release'
    $stage = Join-Path $release $name
    if (Test-Path $stage) { Remove-Item -Recurse -Force $stage }
    New-Item -ItemType Directory -Force (Join-Path $stage 'bin') | Out-Null
    foreach ($binary in $NativeBinaries) { Copy-Item (Join-Path $PublishDir $binary) (Join-Path $stage 'bin') }
    $module = Join-Path $Out "NebulaGC/$version"
    if (-not (Test-Path (Join-Path $module 'NebulaGC.psd1'))) { throw "the module is not packaged at ${module}: run the Package task first" }
    New-Item -ItemType Directory -Force (Join-Path $stage 'module/NebulaGC') | Out-Null
    Copy-Item -Recurse $module (Join-Path $stage "module/NebulaGC/$version")
    Set-Content -Path (Join-Path $stage 'VERSION') -Value $version
    Push-Location $stage
    try {
        $files = Get-ChildItem -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($stage, $_.FullName) } | Sort-Object
        $sums = foreach ($file in $files) { "{0}  {1}" -f (Get-FileHash -Algorithm SHA256 $file).Hash.ToLowerInvariant(), $file }
        Set-Content -Path 'SHA256SUMS' -Value $sums
    }
    finally { Pop-Location }
    $archive = Join-Path $release "$name.tar.gz"
    Invoke-Native tar @('-C', $release, '--owner=0', '--group=0', '-czf', $archive, $name)
    Remove-Item -Recurse -Force $stage
    Write-Host "Release archive $archive"
    return $archive
}

function Invoke-PublishTask {
    param([string] $Configuration = 'Release')
    $publish = Invoke-NativePublish
    Invoke-PackageTask -Configuration $Configuration
    New-ReleaseArchive -PublishDir $publish | Out-Null
}
