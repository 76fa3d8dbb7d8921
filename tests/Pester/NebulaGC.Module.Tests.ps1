# Pester tests of the PACKAGED module (out/NebulaGC/<version>), run by build.ps1 Test in a fresh pwsh.
BeforeAll {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    [xml] $props = Get-Content (Join-Path $repo 'Directory.Build.props') -Raw
    $script:Version = ($props.Project.PropertyGroup | Where-Object { $_.Version } | Select-Object -First 1).Version
    $script:ModuleDir = Join-Path $repo "out/NebulaGC/$Version"
    $script:ManifestPath = Join-Path $ModuleDir 'NebulaGC.psd1'
    Import-Module $ManifestPath -Force -ErrorAction Stop
    $script:Manifest = Import-PowerShellDataFile $ManifestPath

    # One invocation per render cmdlet with its mandatory inputs.
    $script:RenderCalls = [ordered]@{
        'New-NebulaGCSystemdUnit'        = @{ Component = 'Server' }
        'New-NebulaGCDockerfile'         = @{ Component = 'Server' }
        'New-NebulaGCComposeFile'        = @{ Topology = 'Single' }
        'New-NebulaGCK8sManifest'        = @{ Topology = 'Single' }
        'New-NebulaGCLitestreamConfig'   = @{ Replica = 'File'; ReplicaPath = '/var/backups/nebulagc' }
        'New-NebulaGCLiteFSConfig'       = @{ Lease = 'Consul' }
        'New-NebulaGCLoadBalancerConfig' = @{ Kind = 'HAProxy'; Backend = '127.0.0.1:18081' }
        'New-NebulaGCMonitoring'         = @{}
        'New-NebulaGCSecret'             = @{}
    }
}

Describe 'The packaged NebulaGC module' {
    It 'is stamped with the version of Directory.Build.props and targets PowerShell 7.6 Core' {
        $Manifest.ModuleVersion | Should -Be $Version
        (Get-Module NebulaGC).Version.ToString() | Should -Be $Version
        $Manifest.CompatiblePSEditions | Should -Be @('Core')
        $Manifest.PowerShellVersion | Should -Be '7.6'
        $Manifest.PrivateData.PSData.ProjectUri | Should -Not -BeNullOrEmpty
        $Manifest.PrivateData.PSData.LicenseUri | Should -Not -BeNullOrEmpty
    }

    It 'exports exactly the cmdlets its manifest lists' {
        $exported = (Get-Command -Module NebulaGC).Name | Sort-Object
        $exported | Should -Be ($Manifest.CmdletsToExport | Sort-Object)
        $exported | Should -Contain 'Test-NebulaGCDeployment'
        $exported | Should -Contain 'Install-NebulaGCServer'
        $exported | Should -Contain 'Approve-NebulaGCRoute'
        $exported.Count | Should -Be 22
    }

    It 'ships its templates, format file and generated help' {
        Join-Path $ModuleDir 'en-US/NebulaGC.dll-Help.xml' | Should -Exist
        Join-Path $ModuleDir 'NebulaGC.Format.ps1xml' | Should -Exist
        Join-Path $ModuleDir 'templates/systemd/nebulagc-server.service.scriban' | Should -Exist
        Get-FormatData -TypeName 'NebulaGC.PowerShell.Rendering.RenderedFile' | Should -Not -BeNullOrEmpty
        Get-FormatData -TypeName 'NebulaGC.PowerShell.Validation.ValidationResult' | Should -Not -BeNullOrEmpty
        Get-FormatData -TypeName 'NebulaGC.PowerShell.Instances.NebulaGCInstance' | Should -Not -BeNullOrEmpty
        Get-FormatData -TypeName 'NebulaGC.PowerShell.Failover.FailoverReport' | Should -Not -BeNullOrEmpty
        Get-FormatData -TypeName 'NebulaGC.PowerShell.Failover.FailoverStep' | Should -Not -BeNullOrEmpty
        Get-FormatData -TypeName 'NebulaGC.Client.Contracts.NodeRoutes' | Should -Not -BeNullOrEmpty
    }

    It 'ships only the assemblies it loads: no NebulaGC.Client, no BouncyCastle' {
        # A new dependency must be a deliberate change to this list. SQLite: backup and restore read databases with it;
        # KubernetesClient (+ Fractions): Test-NebulaGCDeployment's offline strict schema check.
        (Get-ChildItem $ModuleDir -Filter '*.dll').Name | Sort-Object | Should -Be @(
            'Fractions.dll', 'KubernetesClient.dll', 'Microsoft.Data.Sqlite.dll', 'NebulaGC.dll', 'Scriban.Signed.dll', 'SQLitePCLRaw.batteries_v2.dll',
            'SQLitePCLRaw.core.dll', 'SQLitePCLRaw.provider.e_sqlite3.dll', 'YamlDotNet.dll')
        (Get-ChildItem (Join-Path $ModuleDir 'runtimes') -Directory).Name | Sort-Object | Should -Be @('linux-arm64', 'linux-musl-arm64', 'linux-musl-x64', 'linux-x64')
    }

    It 'is packed as a .nupkg for a PowerShell repository' {
        $nupkg = Join-Path $repo "out/packages/NebulaGC.$Version.nupkg"
        $nupkg | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($nupkg)
        try { $entries = $zip.Entries.FullName } finally { $zip.Dispose() }
        $entries | Should -Contain 'NebulaGC.psd1'
        $entries | Should -Contain 'NebulaGC.dll'
        $entries | Should -Contain 'en-US/NebulaGC.dll-Help.xml'
        $entries | Should -Contain 'templates/k8s/statefulset.yaml.scriban'
    }
}

Describe 'Help of <_>' -ForEach @(Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../NebulaGC.PowerShell/NebulaGC.psd1')).CmdletsToExport {
    It 'has a synopsis, a description and at least one example' {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*New-|^\s*Test-'   # not the syntax PowerShell makes up when help is missing
        ($help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
        @((Get-Help $_ -Examples).examples.example).Count | Should -BeGreaterOrEqual 1
        (Get-Help $_ -Examples).examples.example[0].code | Should -Match $_
    }

    It 'runs every example as written' -Skip:($_ -notmatch '^New-NebulaGC|^Get-NebulaGCValues$|^Test-NebulaGCDeployment$') {
        $dir = Join-Path $TestDrive "examples-$_"
        New-Item -ItemType Directory -Force $dir | Out-Null
        Push-Location $dir
        try {
            Get-NebulaGCValues | Set-Content ./nebulagc.values.yml   # the values file the examples refer to
            foreach ($example in @((Get-Help $_ -Examples).examples.example)) {
                $global:LASTEXITCODE = 0
                { $ErrorActionPreference = 'Stop'; & ([scriptblock]::Create($example.code)) *>&1 | Out-Null } | Should -Not -Throw -Because $example.code
                $LASTEXITCODE | Should -Be 0 -Because $example.code
            }
        }
        finally { Pop-Location }
    }

    It 'describes every parameter' {
        $cmd = Get-Command $_
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($p in $cmd.Parameters.Keys | Where-Object { $_ -notin $common }) {
            (Get-Help $_ -Parameter $p).description.Text -join ' ' | Should -Not -BeNullOrEmpty -Because "-$p needs help text"
        }
    }
}

Describe 'Render cmdlets' {
    It '<Name> supports -WhatIf and writes nothing with it' -ForEach @(
        @{ Name = 'New-NebulaGCSystemdUnit' }, @{ Name = 'New-NebulaGCDockerfile' }, @{ Name = 'New-NebulaGCComposeFile' },
        @{ Name = 'New-NebulaGCK8sManifest' }, @{ Name = 'New-NebulaGCLitestreamConfig' }, @{ Name = 'New-NebulaGCLiteFSConfig' },
        @{ Name = 'New-NebulaGCLoadBalancerConfig' }, @{ Name = 'New-NebulaGCMonitoring' }, @{ Name = 'New-NebulaGCSecret' }
    ) {
        (Get-Command $Name).Parameters.Keys | Should -Contain 'WhatIf'
        $dir = Join-Path $TestDrive "whatif-$Name"
        $params = $RenderCalls[$Name]
        $out = & $Name @params -Path $dir -WhatIf -PassThru
        @($out).Count | Should -BeGreaterOrEqual 1
        $out | ForEach-Object { $_.Status | Should -Be 'Skipped' }
        Test-Path $dir | Should -BeFalse
    }

    It 'takes load-balancer backends from the pipeline' {
        $cfg = ('127.0.0.1:18081', '127.0.0.1:18082' | New-NebulaGCLoadBalancerConfig -Kind HAProxy).Content
        ([regex]::Matches($cfg, 'server nebulagc\d 127\.0\.0\.1:1808\d check')).Count | Should -Be 4   # 2 backends x (master, all)
    }

    It 'emits typed objects with Path, Kind and Content when -Path is omitted' {
        $files = New-NebulaGCSystemdUnit -Component Daemon
        $files[0].PSObject.TypeNames[0] | Should -Be 'NebulaGC.PowerShell.Rendering.RenderedFile'
        $files[0].Kind | Should -Be 'SystemdUnit'
        $files[0].Content | Should -Match 'ExecStart=/usr/local/bin/nebulagc daemon --config %d/daemon.json'
        ($files | Format-Table | Out-String) | Should -Match 'Status\s+Kind\s+Mode\s+Path'
    }

    It 're-running a render with the same inputs changes no byte' {
        $dir = Join-Path $TestDrive 'twice'
        $first = New-NebulaGCK8sManifest -Topology Litestream -Replica S3 -Bucket b -Path $dir -PassThru
        $hashes = Get-ChildItem $dir -Recurse -File | Get-FileHash | Select-Object Path, Hash
        $second = New-NebulaGCK8sManifest -Topology Litestream -Replica S3 -Bucket b -Path $dir -PassThru
        ($first | Where-Object Status -EQ 'Created').Count | Should -Be $first.Count
        $second | ForEach-Object { $_.Status | Should -BeIn @('Unchanged', 'Kept') }
        (Get-ChildItem $dir -Recurse -File | Get-FileHash | Select-Object Path, Hash | ConvertTo-Json) | Should -Be ($hashes | ConvertTo-Json)
    }

    It 'narrates with -Verbose' {
        $verbose = New-NebulaGCMonitoring -Path (Join-Path $TestDrive 'mon') -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'rendering monitoring/nebulagc.rules.yml.scriban -> nebulagc.rules.yml'
        ($verbose.Message -join "`n") | Should -Match 'created \(PrometheusRules, mode 0644\)'
    }

    It 'completes enumerable parameter values on Tab' {
        $line = 'New-NebulaGCK8sManifest -Topology '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object | Should -Be @('LiteFS', 'Litestream', 'Single')
        $line = 'New-NebulaGCLitestreamConfig -Replica '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object | Should -Be @('ABS', 'File', 'GCS', 'S3', 'SFTP')
        $line = 'New-NebulaGCLitestreamConfig -LitestreamVersion '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('0.3', '0.5')
    }

    It 'writes secrets with mode 0600 and keeps them on a second run' {
        $dir = Join-Path $TestDrive 'secret'
        $a = New-NebulaGCSecret -Path $dir -PassThru
        (Get-Item $a.Path).UnixFileMode | Should -Be ([System.IO.UnixFileMode] 'UserRead, UserWrite')
        $b = New-NebulaGCSecret -Path $dir -PassThru
        $b.Status | Should -Be 'Kept'
        Get-Content $a.Path -Raw | Should -Match 'NEBULAGC_HMAC_SECRET=[A-Za-z0-9_-]{64}\n'
        $c = New-NebulaGCSecret -Path $dir -Force -PassThru -Confirm:$false
        $c.Status | Should -Be 'Updated'
    }
}

Describe 'Settings' {
    It 'takes the same settings from a YAML values file, a PSD1 values file and parameters' {
        $yaml = Join-Path $TestDrive 'values.yml'
        "name: cp`nport: 9443`nlisten-host: 0.0.0.0`nlitestream:`n  replicas:`n    - type: S3`n      bucket: bk`n      region: eu-west-1`n" | Set-Content $yaml
        $psd1 = Join-Path $TestDrive 'values.psd1'
        "@{ Name = 'cp'; Port = 9443; ListenHost = '0.0.0.0'; Litestream = @{ Replicas = @(@{ Type = 'S3'; Bucket = 'bk'; Region = 'eu-west-1' }) } }" | Set-Content $psd1
        $fromYaml = (New-NebulaGCSystemdUnit -Component Server -ValuesPath $yaml -WarningAction SilentlyContinue | Where-Object Kind -EQ 'EnvFile').Content
        $fromPsd1 = (New-NebulaGCSystemdUnit -Component Server -ValuesPath $psd1 -WarningAction SilentlyContinue | Where-Object Kind -EQ 'EnvFile').Content
        $fromParams = (New-NebulaGCSystemdUnit -Component Server -Name cp -Port 9443 -ListenHost 0.0.0.0 | Where-Object Kind -EQ 'EnvFile').Content
        $fromYaml | Should -Match 'NEBULAGC_LISTEN_ADDR=0.0.0.0:9443'
        $fromPsd1 | Should -Be $fromYaml
        $fromParams | Should -Be $fromYaml
        (New-NebulaGCLitestreamConfig -ValuesPath $yaml -WarningAction SilentlyContinue | Where-Object Kind -EQ 'LitestreamConfig').Content | Should -Match 'region: "eu-west-1"'
    }

    It 'lets parameters override the values file' {
        $yaml = Join-Path $TestDrive 'override.yml'
        "port: 9443`n" | Set-Content $yaml
        (New-NebulaGCSystemdUnit -Component Server -ValuesPath $yaml -Port 7000 | Where-Object Kind -EQ 'EnvFile').Content | Should -Match 'NEBULAGC_LISTEN_ADDR=127.0.0.1:7000'
    }

    It 'refuses an unknown key with the stable error id ValuesUnknownKey' {
        $yaml = Join-Path $TestDrive 'typo.yml'
        "prot: 9443`n" | Set-Content $yaml
        { New-NebulaGCSystemdUnit -Component Server -ValuesPath $yaml } | Should -Throw -ErrorId 'ValuesUnknownKey,NebulaGC.PowerShell.Commands.NewNebulaGCSystemdUnitCommand'
        try { New-NebulaGCSystemdUnit -Component Server -ValuesPath $yaml } catch { $_.CategoryInfo.Category | Should -Be 'InvalidData' }
    }

    It 'refuses a PSD1 values file that would run code' {
        $psd1 = Join-Path $TestDrive 'code.psd1'
        "@{ Name = (Get-Date).ToString() }" | Set-Content $psd1
        { New-NebulaGCSystemdUnit -Component Server -ValuesPath $psd1 } | Should -Throw -ErrorId 'ValuesFileInvalid,NebulaGC.PowerShell.Commands.NewNebulaGCSystemdUnitCommand'
    }

    It 'uses a template from -TemplatePath and the embedded ones for the rest' {
        $tpl = Join-Path $TestDrive 'tpl/systemd'
        New-Item -ItemType Directory -Force $tpl | Out-Null
        $embedded = Get-Content (Join-Path $ModuleDir 'templates/systemd/nebulagc-server.service.scriban') -Raw
        ($embedded -replace 'RestartSec=5s', 'RestartSec=9s') | Set-Content (Join-Path $tpl 'nebulagc-server.service.scriban') -NoNewline
        $files = New-NebulaGCSystemdUnit -Component Server -TemplatePath (Join-Path $TestDrive 'tpl')
        ($files | Where-Object Kind -EQ 'SystemdUnit').Content | Should -Match 'RestartSec=9s'
        ($files | Where-Object Kind -EQ 'EnvFile').Content | Should -Match 'NEBULAGC_ROLE=master'
    }

    It 'reports a broken override template with TemplateSyntaxError' {
        $tpl = Join-Path $TestDrive 'bad/monitoring'
        New-Item -ItemType Directory -Force $tpl | Out-Null
        '{{ if }}' | Set-Content (Join-Path $tpl 'nebulagc.rules.yml.scriban')
        { New-NebulaGCMonitoring -TemplatePath (Join-Path $TestDrive 'bad') } | Should -Throw -ErrorId 'TemplateSyntaxError,NebulaGC.PowerShell.Commands.NewNebulaGCMonitoringCommand'
    }

    It 'refuses rendered YAML that does not parse with RenderedYamlInvalid' {
        $tpl = Join-Path $TestDrive 'yaml/monitoring'
        New-Item -ItemType Directory -Force $tpl | Out-Null
        "groups:`n  - name: [unclosed`n" | Set-Content (Join-Path $tpl 'nebulagc.rules.yml.scriban')
        { New-NebulaGCMonitoring -TemplatePath (Join-Path $TestDrive 'yaml') -Path (Join-Path $TestDrive 'yaml-out') } | Should -Throw -ErrorId 'RenderedYamlInvalid,NebulaGC.PowerShell.Commands.NewNebulaGCMonitoringCommand'
        Test-Path (Join-Path $TestDrive 'yaml-out') | Should -BeFalse
    }
}

Describe 'Test-NebulaGCDeployment' {
    It 'validates a rendered tree with the real tools and reports per file' {
        $dir = Join-Path $TestDrive 'deploy'
        New-NebulaGCK8sManifest -Topology Litestream -Replica S3 -Bucket b -Path (Join-Path $dir 'k8s')
        New-NebulaGCLoadBalancerConfig -Kind HAProxy -Backend 127.0.0.1:18081, 127.0.0.1:18082 -Path (Join-Path $dir 'lb')
        New-NebulaGCMonitoring -Path (Join-Path $dir 'monitoring')
        $results = Test-NebulaGCDeployment $dir
        $results | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'NebulaGC.PowerShell.Validation.ValidationResult' }
        $results | Where-Object Status -NE 'Passed' | Should -BeNullOrEmpty
        $results.Validator | Should -Contain 'kubectl kustomize'
        $results.Validator | Should -Contain 'haproxy -c'
        $results.Validator | Should -Contain 'promtool test rules'
    }

    It 'reports a rejected file as Failed' {
        $dir = Join-Path $TestDrive 'broken'
        New-NebulaGCLoadBalancerConfig -Kind HAProxy -Backend 127.0.0.1:18081 -Path $dir
        Add-Content (Join-Path $dir 'haproxy.cfg') "`nbackend x`n    balance nosuchalgo`n"
        (Test-NebulaGCDeployment $dir | Where-Object Validator -EQ 'haproxy -c').Status | Should -Be 'Failed'
    }

    It 'fails with DeploymentPathNotFound on a missing directory' {
        { Test-NebulaGCDeployment (Join-Path $TestDrive 'missing') } | Should -Throw -ErrorId 'DeploymentPathNotFound,NebulaGC.PowerShell.Commands.TestNebulaGCDeploymentCommand'
    }
}

Describe 'Operate cmdlets' {
    It 'back up a database through the packaged module (its own SQLite native library) with a metadata file' {
        $db = Join-Path $TestDrive 'empty.db'
        New-Item -ItemType File $db | Out-Null  # a zero-byte file is an empty SQLite database
        $result = Backup-NebulaGCDatabase -DatabasePath $db -Destination (Join-Path $TestDrive 'copy.db')
        $result.Path | Should -Exist
        $metadata = Get-Content $result.MetadataPath -Raw | ConvertFrom-Json
        $metadata.sha256 | Should -Be (Get-FileHash $result.Path -Algorithm SHA256).Hash.ToLowerInvariant()
        $metadata.schema_version | Should -Be 0
    }

    It 'Backup-NebulaGCDatabase -WhatIf writes nothing' {
        $db = Join-Path $TestDrive 'whatif.db'
        New-Item -ItemType File $db | Out-Null
        Backup-NebulaGCDatabase -DatabasePath $db -Destination (Join-Path $TestDrive 'whatif-copy.db') -WhatIf
        Join-Path $TestDrive 'whatif-copy.db' | Should -Not -Exist
    }

    It 'Restore-NebulaGCDatabase refuses a corrupt backup with RestoreSourceCorrupt and leaves the directory as it was' {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'restore')
        $corrupt = Join-Path $TestDrive 'corrupt.db'
        [System.IO.File]::WriteAllBytes($corrupt, [byte[]]::new(8192))
        { Restore-NebulaGCDatabase -Path $corrupt -DatabasePath (Join-Path $dir 'nebulagc.db') -Confirm:$false } |
            Should -Throw -ErrorId 'RestoreSourceCorrupt,NebulaGC.PowerShell.Commands.RestoreNebulaGCDatabaseCommand'
        Get-ChildItem $dir -Force | Should -BeNullOrEmpty
    }

    It 'Get-NebulaGCInstance reports an unreachable instance as a row with its error' {
        $row = Get-NebulaGCInstance -Url 'http://127.0.0.1:1' -TimeoutSeconds 2
        $row.PSObject.TypeNames[0] | Should -Be 'NebulaGC.PowerShell.Instances.NebulaGCInstance'
        $row.Healthy | Should -BeFalse
        $row.Error | Should -Match 'refused'
    }

    It 'Invoke-NebulaGCFailover asks before acting (ConfirmImpact High) and stops with FailoverTargetUnreachable when the target does not answer' {
        (Get-Command Invoke-NebulaGCFailover).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
        { Invoke-NebulaGCFailover -Mode SharedDatabase -TargetUrl 'http://127.0.0.1:1' -AdminSocket (Join-Path $TestDrive 'none.sock') -Confirm:$false } |
            Should -Throw -ErrorId 'FailoverTargetUnreachable,NebulaGC.PowerShell.Commands.InvokeNebulaGCFailoverCommand'
    }
}
