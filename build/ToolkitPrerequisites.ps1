# Tools the tests drive for real (npm packages), installed idempotently into out/tools/npm: litestream, s3rver and azurite
# for the toolkit tests, the Redocly CLI for the OpenAPI lint test (tests/NebulaGC.Server.Tests/Api/OpenApiLintTests.cs).
# Debian packages (haproxy, nginx, prometheus) are listed in $AptPackages in build/Prerequisites.ps1.

$ToolkitNpmPackages = [ordered]@{
    '@flydotio/litestream-linux-x64' = '1.0.1'; 's3rver' = '3.7.1'; 'azurite' = '3.37.0'; '@redocly/cli' = '2.77.0'
}

function Install-ToolkitPrerequisites {
    $prefix = Join-Path $Tools 'npm'
    $modules = Join-Path $prefix 'node_modules'
    $missing = @($ToolkitNpmPackages.Keys | Where-Object {
            $manifest = Join-Path $modules "$_/package.json"
            -not (Test-Path $manifest) -or ((Get-Content $manifest -Raw | ConvertFrom-Json).version -ne $ToolkitNpmPackages[$_])
        })
    if ($missing.Count -gt 0) {
        if (-not (Get-Command npm -ErrorAction SilentlyContinue)) { throw 'npm is required to install litestream, s3rver, azurite and the Redocly CLI for the tests: apt-get install -y npm' }
        New-Item -ItemType Directory -Force $prefix | Out-Null
        $specs = @($ToolkitNpmPackages.GetEnumerator() | ForEach-Object { "$($_.Key)@$($_.Value)" })
        Write-Host "Installing npm packages into ${prefix}: $($specs -join ', ')"
        Invoke-Native npm (@('install', '--prefix', $prefix, '--no-audit', '--no-fund', '--loglevel', 'error') + $specs)
    }
    # s3rver 3.7.1 lists no keys for a prefix ending in the delimiter, so `litestream restore` finds no backups:
    # disable that branch (line 167 of lib/stores/filesystem.js). Idempotent: the sed only matches the unpatched line.
    $store = Join-Path $modules 's3rver/lib/stores/filesystem.js'
    Invoke-Native sed @('-i', '167s/^\(\s*\)delimiterEnc &&/\1false \&\& delimiterEnc \&\&/', $store)
    # s3rver writes an object straight to its final path, so a client killed mid-upload (kill -9 of litestream in the
    # failover tests) leaves a truncated object that S3 itself never shows: write to '<path>.partial' and rename when
    # done, as S3's atomic PUT behaves. Idempotent: each sed only matches the unpatched line.
    Invoke-Native sed @('-i', "288s/createWriteStream(objectPath)/createWriteStream(objectPath + '.partial')/", $store)
    Invoke-Native sed @('-i', "312s/^\(\s*\)await this.putMetadata(/\1await fs.rename(objectPath + '.partial', objectPath); await this.putMetadata(/", $store)
    return $prefix
}
