# A real booted systemd for the tests (tests/NebulaGC.PowerShell.Tests/RealSystemd): a debootstrapped Debian 12 root,
# cached outside the clone and built once per machine. Tests boot it with systemd-nspawn --volatile=overlay, so the cache
# is never written to and any number of test runs can boot it at once.

$SystemdHostRoot = if ($env:NEBULAGC_TEST_SYSTEMD_ROOT) { $env:NEBULAGC_TEST_SYSTEMD_ROOT } else { '/var/cache/nebulagc-tests/bookworm-root' }
# libicu72: .NET (PowerShell, bind-mounted from the machine) needs ICU inside.
$SystemdHostPackages = 'systemd,systemd-sysv,dbus,curl,ca-certificates,iproute2,libicu72'

# The mirror apt on this machine already uses (deb822 .sources or a one-line sources.list), else Debian's own.
function Get-DebianMirror {
    $lists = @(Get-ChildItem /etc/apt/sources.list.d -Filter '*.sources' -ErrorAction SilentlyContinue) + @(Get-Item /etc/apt/sources.list -ErrorAction SilentlyContinue)
    foreach ($list in $lists) {
        foreach ($line in Get-Content $list.FullName) {
            if ($line -match '^\s*(URIs:|deb)\s+(\S+)' -and $Matches[2] -notmatch 'security') { return $Matches[2] }
        }
    }
    return 'http://deb.debian.org/debian'
}

function Install-SystemdTestHost {
    Install-AptPackages @('systemd-container', 'debootstrap')
    # The stamp names what the root was built with: a change of the package list rebuilds it.
    $stamp = "debootstrap --variant=minbase --include=$SystemdHostPackages bookworm"
    $stampFile = Join-Path $SystemdHostRoot '.nebulagc-root'
    if ((Test-Path $stampFile) -and (Get-Content $stampFile -Raw).Trim() -eq $stamp) { return $SystemdHostRoot }

    $parent = Split-Path $SystemdHostRoot
    New-Item -ItemType Directory -Force $parent | Out-Null
    $mirror = Get-DebianMirror
    Write-Host "Building the systemd test host root $SystemdHostRoot from $mirror (once per machine, about 2-3 minutes)"
    $started = [Diagnostics.Stopwatch]::StartNew()
    # Under a lock (several checkouts may test at once); built aside and renamed, so a half-built root is never used.
    $script = @'
set -e
root="$1"; stamp="$2"; mirror="$3"; packages="$4"
if [ -f "$root/.nebulagc-root" ] && [ "$(cat "$root/.nebulagc-root")" = "$stamp" ]; then exit 0; fi
rm -rf "$root.tmp"
debootstrap --variant=minbase --include="$packages" bookworm "$root.tmp" "$mirror" > "$root.debootstrap.log" 2>&1 || { tail -n 20 "$root.debootstrap.log" >&2; exit 1; }
printf '%s\n' "$stamp" > "$root.tmp/.nebulagc-root"
rm -rf "$root.old"
if [ -e "$root" ]; then mv "$root" "$root.old"; fi
mv "$root.tmp" "$root"
rm -rf "$root.old"
'@
    Invoke-Native flock @("$SystemdHostRoot.lock", 'bash', '-c', $script, 'build-root', $SystemdHostRoot, $stamp, $mirror, $SystemdHostPackages)
    Write-Host ("Systemd test host root ready in {0:N0} s" -f $started.Elapsed.TotalSeconds)
    return $SystemdHostRoot
}
