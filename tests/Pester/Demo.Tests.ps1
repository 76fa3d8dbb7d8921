# The README's demo command, run as a user would (the solution is already built by the Test task).
Describe 'build.ps1 Demo' {
    BeforeAll {
        $root = (Resolve-Path "$PSScriptRoot/../..").Path
        $demoDir = Join-Path $root '.demo'
        if (Test-Path $demoDir) { Remove-Item -Recurse -Force $demoDir }
        # Under `dotnet pwsh` the process is dotnet itself, so start the child from PowerShell's own assembly.
        $script:output = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -File (Join-Path $root 'build.ps1') Demo -NoWait 2>&1 | Out-String
        $script:exitCode = $LASTEXITCODE
    }

    It 'exits 0' {
        $script:exitCode | Should -Be 0 -Because $script:output
    }

    It 'prints the admin credentials and a working API call that lists the demo node' {
        $script:output | Should -Match 'node_token:\s+[A-Za-z0-9_-]{43}'
        $script:output | Should -Match "curl -s http://127\.0\.0\.1:\d+/v1/nodes -H 'X-Nebula-Tenant-ID: [0-9a-f-]{36}'"
        $script:output | Should -Match '"name":"demo-admin","is_admin":true'
    }

    It 'keeps the credentials file private (0600)' {
        $mode = (Get-Item (Join-Path $root '.demo/credentials.json')).UnixFileMode
        $mode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'keeps the HMAC secret file private (0600)' {
        (Get-Item (Join-Path $root '.demo/hmac-secret')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
    }
}
