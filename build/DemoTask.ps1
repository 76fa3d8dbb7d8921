# Demo: a local master on an embedded SQLite file under .demo/, bootstrapped and called once.

# The documented default port 8080 when it is free, else any free port.
function Get-DemoPort {
    foreach ($port in 8080, 0) {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, $port)
        try { $listener.Start(); return $listener.LocalEndpoint.Port }
        catch [System.Net.Sockets.SocketException] { continue }
        finally { $listener.Stop() }
    }
}

function Invoke-ServerCli {
    param([string] $ServerDll, [string[]] $Arguments)
    $output = & dotnet $ServerDll @Arguments
    if ($LASTEXITCODE -ne 0) { throw "nebulagc-server $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
    return ($output -join "`n")
}

function Invoke-DemoTask {
    param([string] $Configuration = 'Debug', [switch] $NoWait)
    Invoke-SolutionBuild -Configuration $Configuration
    $server = Get-ServerDll -Configuration $Configuration
    $demo = Join-Path $Root '.demo'
    New-Item -ItemType Directory -Force $demo | Out-Null

    $secretFile = Join-Path $demo 'hmac-secret'
    if (-not (Test-Path $secretFile)) {
        $bytes = [byte[]]::new(48)
        [System.Security.Cryptography.RandomNumberGenerator]::Fill($bytes)
        New-Item -ItemType File $secretFile | Out-Null
        chmod 600 $secretFile
        [IO.File]::WriteAllText($secretFile, [Convert]::ToBase64String($bytes))
    }
    $env:NEBULAGC_HMAC_SECRET_FILE = $secretFile
    $env:NEBULAGC_ADMIN_SOCKET = Join-Path $demo 'admin.sock'
    $db = Join-Path $demo 'nebulagc.db'
    Invoke-ServerCli $server @('migrate', '--db', $db) | Out-Null

    $credentialsFile = Join-Path $demo 'credentials.json'
    if (Test-Path $credentialsFile) {
        $credentials = Get-Content $credentialsFile -Raw | ConvertFrom-Json
    }
    else {
        $tenant = Invoke-ServerCli $server @('tenant', 'create', '--name', 'demo', '--db', $db, '--output', 'json') | ConvertFrom-Json
        $cluster = Invoke-ServerCli $server @('cluster', 'create', '--tenant-id', $tenant.tenant_id, '--name', 'demo-net', '--overlay-cidr', '10.42.0.0/16', '--db', $db, '--output', 'json') | ConvertFrom-Json
        $credentials = Invoke-ServerCli $server @('node', 'create', '--tenant-id', $tenant.tenant_id, '--cluster-id', $cluster.cluster_id, '--name', 'demo-admin', '--admin', '--cluster-token', $cluster.cluster_token, '--db', $db, '--output', 'json') | ConvertFrom-Json
        New-Item -ItemType File $credentialsFile | Out-Null
        chmod 600 $credentialsFile
        $credentials | ConvertTo-Json | Set-Content $credentialsFile
    }

    $port = Get-DemoPort
    $baseUrl = "http://127.0.0.1:$port"
    $log = Join-Path $demo 'server.log'
    $process = Start-Process -FilePath dotnet -PassThru -NoNewWindow -RedirectStandardOutput $log -RedirectStandardError (Join-Path $demo 'server.err.log') `
        -ArgumentList @($server, 'serve', '--master', '--db', $db, '--listen', "127.0.0.1:$port", '--public-url', $baseUrl, '--instance-id', 'demo-master')
    try {
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ($true) {
            try { Invoke-RestMethod "$baseUrl/v1/readyz" -TimeoutSec 2 | Out-Null; break }
            catch {
                if ($process.HasExited) { throw "the demo server exited with code $($process.ExitCode); see $log" }
                if ([DateTime]::UtcNow -gt $deadline) { throw "the demo server did not become ready within 30 s; see $log" }
                Start-Sleep -Milliseconds 200
            }
        }
        $headers = @{
            'X-Nebula-Tenant-ID' = $credentials.tenant_id; 'X-Nebula-Cluster-ID' = $credentials.cluster_id
            'X-Nebula-Node-ID' = $credentials.node_id; 'X-Nebula-Node-Token' = $credentials.node_token
            'X-Nebula-Cluster-Token' = $credentials.cluster_token
        }
        $nodes = Invoke-RestMethod "$baseUrl/v1/nodes" -Headers $headers
        Write-Host ''
        Write-Host "NebulaGC demo master on $baseUrl (database $db, log $log)"
        Write-Host "Admin node credentials (also in $credentialsFile, mode 0600):"
        foreach ($field in 'tenant_id', 'cluster_id', 'node_id', 'node_token', 'cluster_token', 'overlay_ip') {
            Write-Host ('  {0,-14} {1}' -f "${field}:", $credentials.$field)
        }
        Write-Host 'One API call - list the nodes of the demo cluster:'
        Write-Host ("curl -s $baseUrl/v1/nodes -H 'X-Nebula-Tenant-ID: {0}' -H 'X-Nebula-Cluster-ID: {1}' -H 'X-Nebula-Node-ID: {2}' -H 'X-Nebula-Node-Token: {3}' -H 'X-Nebula-Cluster-Token: {4}'" -f `
                $credentials.tenant_id, $credentials.cluster_id, $credentials.node_id, $credentials.node_token, $credentials.cluster_token)
        Write-Host ($nodes | ConvertTo-Json -Depth 5 -Compress)
        if (-not $NoWait) {
            Write-Host 'Serving until Ctrl+C.'
            $process.WaitForExit()
        }
    }
    finally {
        if (-not $process.HasExited) { $process.Kill($true); $process.WaitForExit() }
    }
}
