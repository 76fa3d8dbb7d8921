# Issue 10: values that cannot be misread, and Test-NebulaGCDeployment as a CI gate. Run against the PACKAGED module.
# Each finding of the issue has a Describe block; each test failed before the change.
BeforeAll {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    [xml] $props = Get-Content (Join-Path $repo 'Directory.Build.props') -Raw
    $version = ($props.Project.PropertyGroup | Where-Object { $_.Version } | Select-Object -First 1).Version
    $script:ManifestPath = Join-Path $repo "out/NebulaGC/$version/NebulaGC.psd1"
    Import-Module $ManifestPath -Force -ErrorAction Stop
    function script:File([string] $Name, [string] $Text) {
        $path = Join-Path $TestDrive $Name
        Set-Content -Path $path -Value $Text -NoNewline
        $path
    }
    function script:ErrorOf([scriptblock] $Block) {
        try { & $Block | Out-Null } catch { return $_ }
        throw 'expected an error'
    }
    $script:K8s = 'NebulaGC.PowerShell.Commands.NewNebulaGCK8sManifestCommand'
}

Describe '1. nested values' {
    It 'renders image.repository/image.tag as repository:tag, never as a .NET type name' {
        $v = File 'nested.yml' "image:`n  repository: x`n  tag: `"1`"`n"
        $sts = (New-NebulaGCK8sManifest -Topology Single -ValuesPath $v | Where-Object RelativePath -EQ 'statefulset.yaml').Content
        $sts | Should -Match 'image: "x:1"'
        $sts | Should -Not -Match 'System\.Collections'
    }

    It 'refuses a map where a single value belongs, naming file, line and column' {
        $v = File 'map.yml' "port:`n  number: 80`n"
        $e = ErrorOf { New-NebulaGCK8sManifest -Topology Single -ValuesPath $v }
        $e.FullyQualifiedErrorId | Should -Be "ValuesInvalidValue,$K8s"
        $e.Exception.Message | Should -Match ([regex]::Escape("${v}:2:3: port is a map"))
    }
}

Describe '2. settings the render does not use' {
    It 'refuses -Replica/-Bucket for the Single topology (<Cmdlet>)' -ForEach @(@{ Cmdlet = 'New-NebulaGCK8sManifest' }, @{ Cmdlet = 'New-NebulaGCComposeFile' }) {
        $e = ErrorOf { & $Cmdlet -Topology Single -Replica S3 -Bucket prod-backups }
        $e.FullyQualifiedErrorId | Should -BeLike 'SettingNotUsed,*'
        $e.Exception.Message | Should -Match 'litestream.replicas'
    }

    It 'refuses an unused -Set and lists an unused values-file key in a warning' {
        (ErrorOf { New-NebulaGCK8sManifest -Topology Single -Set liteFS.consulKey=x/y }).FullyQualifiedErrorId | Should -Be "SettingNotUsed,$K8s"
        $v = File 'shared.yml' "litestream:`n  retention: 24h`n"
        $warnings = New-NebulaGCK8sManifest -Topology Single -ValuesPath $v 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }
        "$warnings" | Should -Match ([regex]::Escape("litestream.retention (${v}:2:14)"))
    }
}

Describe '3. Test-NebulaGCDeployment as a CI gate' {
    BeforeAll {
        $script:Good = Join-Path $TestDrive 'good'
        New-NebulaGCK8sManifest -Topology Litestream -Replica S3 -Bucket b -Path (Join-Path $Good 'k8s')
        New-NebulaGCSystemdUnit -Component Server -Path (Join-Path $Good 'systemd')
        $script:Broken = Join-Path $TestDrive 'broken'
        New-NebulaGCK8sManifest -Topology Single -Path $Broken
        (Get-Content (Join-Path $Broken 'statefulset.yaml') -Raw) -replace 'storage: "1Gi"', 'storage: "lots"' -replace '(?m)^(\s+)image: .*nebulagc-server.*$', '$1image: ""' |
            Set-Content (Join-Path $Broken 'statefulset.yaml') -NoNewline
    }

    It 'passes a good render, with systemd verify against stand-in binaries and the strict schema and PSS checks built in' {
        $results = Test-NebulaGCDeployment $Good -ErrorVariable failures
        $failures | Should -BeNullOrEmpty
        $results | Where-Object Status -EQ 'Failed' | Should -BeNullOrEmpty
        ($results | Where-Object Validator -EQ 'systemd-analyze verify').Detail | Should -Match 'stand-ins for /usr/local/bin/nebulagc-server'
        $results.Validator | Should -Contain 'kubernetes schema (strict)'
        $results.Validator | Should -Contain 'pod security restricted'
        $results.Validator | Should -Contain 'pod security privileged'
    }

    It 'writes DeploymentCheckFailed after the results when a check fails, and shows a detail column' {
        $results = Test-NebulaGCDeployment $Broken -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'DeploymentCheckFailed,NebulaGC.PowerShell.Commands.TestNebulaGCDeploymentCommand'
        ($results | Where-Object Validator -EQ 'kubernetes schema (strict)' | Where-Object Status -EQ 'Failed') | Should -Not -BeNullOrEmpty
        ($results | Format-Table | Out-String -Width 300) | Should -Match 'Detail'
        { Test-NebulaGCDeployment $Broken -ErrorAction Stop } | Should -Throw -ErrorId 'DeploymentCheckFailed,NebulaGC.PowerShell.Commands.TestNebulaGCDeploymentCommand'
    }

    It 'refuses -StorageSize lots and an empty -Image before rendering' {
        (ErrorOf { New-NebulaGCK8sManifest -Topology Single -StorageSize lots }).FullyQualifiedErrorId | Should -Be "ValuesInvalidValue,$K8s"
        (ErrorOf { New-NebulaGCK8sManifest -Topology Single -Image '' }).FullyQualifiedErrorId | Should -Be "ValuesInvalidValue,$K8s"
    }

    It 'writes JSON and JUnit reports' {
        $json = Test-NebulaGCDeployment $Broken -OutputFormat Json -ErrorAction SilentlyContinue | ConvertFrom-Json
        ($json | Where-Object status -EQ 'Failed').Count | Should -BeGreaterThan 0
        $report = Join-Path $TestDrive 'junit.xml'
        Test-NebulaGCDeployment $Broken -OutputFormat JUnit -ReportPath $report -ErrorAction SilentlyContinue | Out-Null
        [xml] $junit = Get-Content $report -Raw
        [int] $junit.testsuites.failures | Should -BeGreaterThan 0
        @($junit.testsuites.testsuite.testcase | Where-Object { $_.failure }).Count | Should -Be ([int] $junit.testsuites.failures)
    }

    It 'makes a GitHub Actions style pwsh -c step exit non-zero on a broken render and zero on a good one' {
        $pwsh = Join-Path $PSHOME 'pwsh'
        $step = { param($dir) "Import-Module '$ManifestPath'; Test-NebulaGCDeployment -Path '$dir' | Out-Null" }
        & $pwsh -NoProfile -NonInteractive -c (& $step $Broken) 2>$null
        $LASTEXITCODE | Should -Not -Be 0
        & $pwsh -NoProfile -NonInteractive -c (& $step $Good)
        $LASTEXITCODE | Should -Be 0
    }
}

Describe '4. values-file errors' {
    It 'names file, line and column of a YAML syntax error' {
        $v = File 'syntax.yml' "port: 80`nname: [unclosed`n"
        $e = ErrorOf { New-NebulaGCK8sManifest -Topology Single -ValuesPath $v }
        $e.FullyQualifiedErrorId | Should -Be "ValuesFileInvalid,$K8s"
        $e.Exception.Message | Should -Match ([regex]::Escape($v) + ':\d+:\d+:')
    }

    It 'refuses Image and image in one file' {
        $v = File 'dup.yml' "Image: a/b:1`nimage: c/d:2`n"
        $e = ErrorOf { New-NebulaGCK8sManifest -Topology Single -ValuesPath $v }
        $e.FullyQualifiedErrorId | Should -Be "ValuesDuplicateKey,$K8s"
        $e.Exception.Message | Should -Match ([regex]::Escape("${v}:2:1"))
    }
}

Describe '5. New-NebulaGCSecret rotation' {
    It 'does not replace a secret with -Force alone when it cannot ask (NonInteractive), and does with -Confirm:$false' {
        $dir = Join-Path $TestDrive 'secret'
        $first = New-NebulaGCSecret -Path $dir -PassThru
        $before = Get-Content $first.Path -Raw
        $pwsh = Join-Path $PSHOME 'pwsh'
        & $pwsh -NoProfile -NonInteractive -c "Import-Module '$ManifestPath'; New-NebulaGCSecret -Path '$dir' -Force" 2>$null
        $LASTEXITCODE | Should -Not -Be 0
        Get-Content $first.Path -Raw | Should -Be $before
        (New-NebulaGCSecret -Path $dir -Force -Confirm:$false -PassThru).Status | Should -Be 'Updated'
        Get-Content $first.Path -Raw | Should -Not -Be $before
    }
}

Describe '6. selectors from the values' {
    It 'takes topology and lease from a values file under -NonInteractive' {
        $v = File 'selectors.yml' "topology: Litestream`nlitestream:`n  replicas:`n    - type: File`n      path: /backups`n"
        (New-NebulaGCK8sManifest -ValuesPath $v).RelativePath | Should -Contain 'config/litestream.yml'
        $lease = File 'lease.yml' "liteFS:`n  lease: Static`n  primaryHostname: node1`n"
        (New-NebulaGCLiteFSConfig -ValuesPath $lease).Content | Should -Match 'type: static'
        (ErrorOf { New-NebulaGCK8sManifest }).FullyQualifiedErrorId | Should -Be "SelectorMissing,$K8s"
    }
}

Describe '7. typed output' {
    It 'sets Path without -Path and serializes Status and Mode as names' {
        $files = New-NebulaGCSystemdUnit -Component Server
        $files | ForEach-Object { $_.Path | Should -Be $_.RelativePath }
        $json = $files | ConvertTo-Json -Depth 2 | ConvertFrom-Json
        $json[0].Status | Should -Be 'Rendered'
        ($json | Where-Object Kind -EQ 'SecretEnvFile').Mode | Should -Be '0600'
    }
}

Describe '8. left-over files and names' {
    It 'warns about files a previous render left, and -Prune removes them' {
        $dir = Join-Path $TestDrive 'switch'
        New-NebulaGCK8sManifest -Topology Litestream -Replica File -ReplicaPath /backups -Path $dir
        $warnings = New-NebulaGCK8sManifest -Topology Single -Path $dir 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }
        "$warnings" | Should -Match 'config/litestream.yml, secrets/litestream.env'
        New-NebulaGCK8sManifest -Topology Single -Path $dir -Prune
        Join-Path $dir 'config/litestream.yml' | Should -Not -Exist
        Join-Path $dir 'secrets/litestream.env' | Should -Not -Exist
        Join-Path $dir 'secrets/hmac-secret' | Should -Exist
    }

    It 'refuses -Namespace Bad_NS!' {
        (ErrorOf { New-NebulaGCK8sManifest -Topology Single -Namespace 'Bad_NS!' }).FullyQualifiedErrorId | Should -Be "ValuesInvalidValue,$K8s"
    }

    It 'shows a unified diff of each file -WhatIf would change' {
        $dir = Join-Path $TestDrive 'diff'
        New-NebulaGCK8sManifest -Topology Single -Path $dir
        $out = New-NebulaGCK8sManifest -Topology Single -Path $dir -Port 9000 -WhatIf -PassThru 6>$null
        ($out | Where-Object RelativePath -EQ 'service.yaml').Diff | Should -Match "(?m)^-      port: 8080\n\+      port: 9000"
        ($out | Where-Object RelativePath -EQ 'secrets/hmac-secret').Diff | Should -BeNullOrEmpty
    }
}

Describe '9. finding the settings' {
    It 'Get-NebulaGCValues prints the committed templates/values.yml, and loading it changes nothing' {
        $values = Get-NebulaGCValues
        $values | Should -BeExactly (Get-Content (Join-Path $repo 'templates/values.yml') -Raw)
        $path = File 'defaults.yml' $values
        $fromFile = New-NebulaGCK8sManifest -Topology Litestream -Replica S3 -Bucket b -ValuesPath $path 3>&1
        $fromFile | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | Should -BeNullOrEmpty
        $plain = New-NebulaGCK8sManifest -Topology Litestream -Replica S3 -Bucket b
        ($fromFile | Where-Object RelativePath -EQ 'statefulset.yaml').Content | Should -Be ($plain | Where-Object RelativePath -EQ 'statefulset.yaml').Content
    }

    It 'layers several -ValuesPath (later wins), then -Set, then parameters' {
        $a = File 'a.yml' "port: 7001`nmetricsPort: 9201`nname: first`n"
        $b = File 'b.yml' "port: 7002`n"
        $env = (New-NebulaGCSystemdUnit -Component Server -ValuesPath $a, $b -Set metricsPort=9202 | Where-Object Kind -EQ 'EnvFile').Content
        $env | Should -Match 'NEBULAGC_LISTEN_ADDR=127.0.0.1:7002'
        $env | Should -Match 'NEBULAGC_METRICS_ADDR=127.0.0.1:9202'
        $env = (New-NebulaGCSystemdUnit -Component Server -ValuesPath $a -Set port=7003 -Port 7004 | Where-Object Kind -EQ 'EnvFile').Content
        $env | Should -Match 'NEBULAGC_LISTEN_ADDR=127.0.0.1:7004'
    }

    It 'shows defaults, accepted values, inputs and outputs in help, and about_NebulaGC_Values' {
        (Get-Help New-NebulaGCK8sManifest -Parameter StorageSize).description.Text -join ' ' | Should -Match 'Values key: storageSize\. Accepts: a Kubernetes quantity.*Default: 1Gi\.'
        $full = Get-Help Test-NebulaGCDeployment -Full | Out-String
        $full | Should -Match 'INPUTS'
        $full | Should -Match 'OUTPUTS'
        Get-Help about_NebulaGC_Values | Out-String | Should -Match 'UNUSED SETTINGS'
    }
}
