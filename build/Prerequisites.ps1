# Installs what the tests need, idempotently: Debian packages, npm packages, Pester.

# wrk, buildah, podman, runc: the container-image tests, the benchmark and its tiny run in tests/Pester/Bench.Tests.ps1.
$AptPackages = @('nebula', 'iputils-ping', 'iproute2', 'sqlite3', 'haproxy', 'nginx', 'prometheus', 'docker-compose', 'curl', 'wrk', 'buildah', 'podman', 'runc')
$PesterVersion = '5.7.1'

function Install-AptPackages {
    param([string[]] $Packages)
    $missing = @($Packages | Where-Object {
            $status = & dpkg-query -W -f '${Status}' $_ 2>$null
            $status -ne 'install ok installed'
        })
    if ($missing.Count -eq 0) { return }
    if ((id -u) -ne '0') { throw "missing Debian packages: $($missing -join ', '); run as root or install them: apt-get install -y $($missing -join ' ')" }
    Write-Host "Installing Debian packages: $($missing -join ', ')"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Native apt-get @('update', '-qq')
    Invoke-Native apt-get (@('install', '-y', '-qq', '--no-install-recommends') + $missing)
}

function Install-Pester {
    $modules = Join-Path $Tools 'modules'
    $target = Join-Path $modules "Pester/$PesterVersion"
    if (-not (Test-Path (Join-Path $target 'Pester.psd1'))) {
        $restore = Join-Path $Tools 'pester-restore'
        New-Item -ItemType Directory -Force $restore | Out-Null
        @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PesterVersion]" /></ItemGroup>
</Project>
"@ | Set-Content (Join-Path $restore 'restore.csproj')
        $packages = Join-Path $restore 'packages'
        Invoke-Native dotnet @('restore', (Join-Path $restore 'restore.csproj'), '--packages', $packages, '-v', 'quiet')
        New-Item -ItemType Directory -Force $target | Out-Null
        Copy-Item -Recurse -Force (Join-Path $packages "pester/$PesterVersion/tools/*") $target
    }
    return $modules
}

function Install-TestPrerequisites {
    Install-AptPackages $AptPackages
    Install-Pester | Out-Null
    Install-ToolkitPrerequisites | Out-Null
    Install-SystemdTestHost | Out-Null
    Install-DocsPrerequisites | Out-Null
}
