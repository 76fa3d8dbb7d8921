using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace NebulaGC.PowerShell.Tests.RealSystemd;

/// <summary>
/// The life of one control-plane host, as an operator lives it, on one booted systemd: -WhatIf, fresh install with -Bootstrap,
/// an identical re-run, the node agent, an upgrade, a broken upgrade, a kill -9, a stop, and the uninstalls. Each stage runs
/// once, after the stages before it, whichever test asks first; tests assert on what the stages recorded.
/// </summary>
public sealed class InstallScenario : IAsyncLifetime
{
    public const string Url = "http://127.0.0.1:8080";
    public const string Unit = "nebulagc-server.service";
    public const string DaemonUnit = "nebulagc-daemon.service";
    public const string DbPath = "/var/lib/nebulagc/nebulagc.db";

    private readonly ReleaseHost _release = new();
    private readonly Dictionary<string, Task> _stages = [];

    public BootedSystemdHost Host => _release.Host;

    public ReleaseHost Release => _release;

    public async Task InitializeAsync() => await _release.InitializeAsync();

    public async Task DisposeAsync() => await _release.DisposeAsync();

    private string InstallServer(string archive, string extra = "") =>
        $"Install-NebulaGCServer -Source {archive} -Port 8080 -Bootstrap {extra}";

    // ---- stages, in order; each awaits the one before it ----

    public sealed record WhatIfResult(CmdletRun Run, string TreeBefore, string TreeAfter);

    public Task<WhatIfResult> WhatIf => Stage(nameof(WhatIf), async () =>
    {
        var before = await Tree();
        var run = await _release.RunCmdletAsync(InstallServer(_release.Archive, "-WhatIf"));
        return new WhatIfResult(run, before, await Tree());
    });

    /// <summary>What an install stage left, recorded right after it (later stages change the host).</summary>
    /// <param name="Exe">The executable the unit's main process ran.</param>
    /// <param name="Facts">Output of the stage's probe commands, by name.</param>
    public sealed record InstallResult(CmdletRun Run, JsonElement Report, TimeSpan WallTime, int MainPid, string Exe, int ReadyStatus, string ActiveState,
        IReadOnlyDictionary<string, string> Facts);

    public Task<InstallResult> FreshInstall => Stage(nameof(FreshInstall), async () =>
    {
        await WhatIf;
        return await TimedInstall(InstallServer(_release.Archive), Unit,
            ("enabled", $"systemctl is-enabled {Unit}"), ("credentials mode", "stat -c %a /etc/nebulagc/bootstrap-credentials.json"),
            ("secret mode", "stat -c %a /etc/nebulagc/nebulagc-server.secret.env"));
    });

    public Task<InstallResult> Rerun => Stage(nameof(Rerun), async () =>
    {
        await FreshInstall;
        return await TimedInstall(InstallServer(_release.Archive));
    });

    /// <summary>A node created over the REST API with the bootstrap admin's credentials: the daemon joins as it.</summary>
    public sealed record ApiNode(string NodeId, string NodeToken, string ClusterToken, string OverlayIp, int Status);

    public Task<ApiNode> NodeFromApi => Stage(nameof(NodeFromApi), async () =>
    {
        var credentials = (await FreshInstall).Report.GetProperty("Credentials");
        string C(string name) => credentials.GetProperty(name).GetString()!;
        var response = await Host.RunAsync(
            $"curl -s -w '\\n%{{http_code}}' -X POST {Url}/v1/tenants/{C("TenantId")}/clusters/{C("ClusterId")}/nodes " +
            $"-H 'Content-Type: application/json' -H 'X-Nebula-Tenant-ID: {C("TenantId")}' -H 'X-Nebula-Cluster-ID: {C("ClusterId")}' " +
            $"-H 'X-Nebula-Node-ID: {C("NodeId")}' -H 'X-Nebula-Node-Token: {C("NodeToken")}' -H 'X-Nebula-Cluster-Token: {C("ClusterToken")}' " +
            "-d '{\"name\":\"node1\",\"is_admin\":false}'");
        var lines = response.StdOut.TrimEnd().Split('\n');
        var status = int.Parse(lines[^1], System.Globalization.CultureInfo.InvariantCulture);
        if (status != 201)
        {
            return new ApiNode("", "", "", "", status);
        }
        using var node = JsonDocument.Parse(string.Join('\n', lines[..^1]));
        string N(string name) => node.RootElement.GetProperty(name).GetString()!;
        return new ApiNode(N("node_id"), N("node_token"), N("cluster_token"), N("overlay_ip"), status);
    });

    public Task<InstallResult> DaemonInstall => Stage(nameof(DaemonInstall), async () =>
    {
        await Rerun;
        var node = await NodeFromApi;
        var credentials = (await FreshInstall).Report.GetProperty("Credentials");
        await Host.RunCheckedAsync($"umask 077 && printf '%s\\n' '{node.NodeToken}' > /root/node.token && printf '%s\\n' '{node.ClusterToken}' > /root/cluster.token");
        var install = await TimedInstall(
            $"Install-NebulaGCDaemon -Source {_release.Archive} -ControlPlaneUrl {Url} -ClusterName lab " +
            $"-TenantId {credentials.GetProperty("TenantId").GetString()} -ClusterId {credentials.GetProperty("ClusterId").GetString()} " +
            $"-NodeId {node.NodeId} -NodeTokenPath /root/node.token -ClusterTokenPath /root/cluster.token", DaemonUnit,
            ("status", "nebulagc status --output json"), ("daemon.json mode", "stat -c %a /etc/nebulagc/daemon.json"),
            ("server exposure", $"systemd-analyze security --no-pager {Unit} | tail -n 1"),
            ("daemon exposure", $"systemd-analyze security --no-pager {DaemonUnit} | tail -n 1"));
        var overlayIp = node.OverlayIp.Split('/')[0];
        var addresses = "";
        await Host.WaitUntilAsync(async () => (addresses = (await Host.RunAsync("ip -br addr")).StdOut).Contains(overlayIp, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), $"nebula's tun to carry {overlayIp}");
        return install with { Facts = new Dictionary<string, string>(install.Facts) { ["tun"] = addresses } };
    });

    /// <summary>The same binaries relabelled as the next version: a second Native-AOT build of the server costs minutes.</summary>
    public string NextVersion => $"{_release.Version}.1-next";

    public Task<InstallResult> Upgrade => Stage(nameof(Upgrade), async () =>
    {
        await DaemonInstall;
        var archive = RepackRelease(NextVersion, serverBinary: null);
        return await TimedInstall(InstallServer(archive), Unit, ("previous release", $"ls /usr/local/lib/nebulagc/{_release.Version}"));
    });

    public string BrokenVersion => $"{_release.Version}.2-broken";

    public sealed record BrokenUpgradeResult(CmdletRun Run, JsonElement Report, string ServingExe, int ReadyStatus);

    public Task<BrokenUpgradeResult> BrokenUpgrade => Stage(nameof(BrokenUpgrade), async () =>
    {
        await Upgrade;
        var archive = RepackRelease(BrokenVersion, serverBinary: "#!/bin/sh\necho 'nebulagc-server: cannot start (broken build)' >&2\nexit 1\n");
        var run = await _release.RunCmdletAsync(InstallServer(archive));
        var pid = await MainPid(Unit);
        return new BrokenUpgradeResult(run, run.Output.EnumerateArray().Single(), await Exe(pid), await ReadyStatus());
    });

    public sealed record RestartResult(int PidBefore, int PidAfter, TimeSpan RestartTime, string ActiveState);

    public Task<RestartResult> KillNine => Stage(nameof(KillNine), async () =>
    {
        await BrokenUpgrade;
        var before = await MainPid(Unit);
        var watch = Stopwatch.StartNew();
        await Host.RunCheckedAsync($"kill -9 {before}");
        var after = 0;
        await Host.WaitUntilAsync(async () =>
        {
            after = await MainPid(Unit);
            return after != 0 && after != before && await ReadyStatus() == 200;
        }, TimeSpan.FromSeconds(60), "systemd to restart the killed server and readyz to answer 200");
        var elapsed = watch.Elapsed;
        return new RestartResult(before, after, elapsed, await ActiveState(Unit));
    });

    public sealed record StopResult(bool WalLeft, long WalBytes, string IntegrityCheck, long Tenants);

    public Task<StopResult> StopCheckpoint => Stage(nameof(StopCheckpoint), async () =>
    {
        await KillNine;
        await Host.RunCheckedAsync($"systemctl stop {Unit}");
        var wal = new FileInfo(Host.HostPath(DbPath + "-wal"));
        var copy = Path.Combine(Path.GetTempPath(), $"nebulagc-stopped-{Guid.NewGuid():N}.db");
        File.Copy(Host.HostPath(DbPath), copy);
        try
        {
            using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
            db.Open();
            using var check = db.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            var integrity = (string)check.ExecuteScalar()!;
            check.CommandText = "SELECT count(*) FROM tenants";
            var tenants = (long)check.ExecuteScalar()!;
            var result = new StopResult(wal.Exists, wal.Exists ? wal.Length : 0, integrity, tenants);
            await Host.RunCheckedAsync($"systemctl start {Unit}");
            return result;
        }
        finally
        {
            File.Delete(copy);
        }
    });

    public sealed record LitestreamResult(string State, int ReplicaFiles);

    /// <summary>litestream.yml and litestream.service rendered by the module inside the host, replicating the installed database to a file replica.</summary>
    public Task<LitestreamResult> Litestream => Stage(nameof(Litestream), async () =>
    {
        await StopCheckpoint;
        foreach (var render in new[]
                 {
                     "New-NebulaGCLitestreamConfig -Replica File -ReplicaPath /var/lib/nebulagc/replica -Path /etc/nebulagc",
                     "New-NebulaGCSystemdUnit -Component Litestream -Path /etc/systemd/system",
                 })
        {
            var run = await _release.RunCmdletAsync(render);
            if (run.Errors.Count > 0)
            {
                throw new InvalidOperationException($"'{render}' failed: {run}");
            }
        }
        // A file replica needs no credentials: no litestream.env is rendered, and the unit starts without one.
        await Host.RunCheckedAsync("test ! -e /etc/nebulagc/litestream.env && systemctl daemon-reload && systemctl start litestream.service");
        var replica = Host.HostPath("/var/lib/private/nebulagc/replica");
        await Host.WaitUntilAsync(() => Task.FromResult(Directory.Exists(replica) && Directory.EnumerateFiles(replica, "*", SearchOption.AllDirectories).Any()),
            TimeSpan.FromSeconds(60), "litestream to write its first replica files");
        return new LitestreamResult(await ActiveState("litestream.service"), Directory.EnumerateFiles(replica, "*", SearchOption.AllDirectories).Count());
    });

    public Task<CmdletRun> DaemonUninstall => Stage(nameof(DaemonUninstall), async () =>
    {
        await Litestream;
        return await _release.RunCmdletAsync("Uninstall-NebulaGCDaemon -Confirm:$false");
    });

    public Task<CmdletRun> ServerUninstall => Stage(nameof(ServerUninstall), async () =>
    {
        await DaemonUninstall;
        return await _release.RunCmdletAsync("Uninstall-NebulaGCServer -Confirm:$false");
    });

    // ---- helpers ----

    private Task<T> Stage<T>(string name, Func<Task<T>> run)
    {
        lock (_stages)
        {
            if (!_stages.TryGetValue(name, out var task))
            {
                task = run();
                _stages[name] = task;
            }
            return (Task<T>)task;
        }
    }

    private async Task<InstallResult> TimedInstall(string command, string unit = Unit, params (string Name, string Script)[] probes)
    {
        var watch = Stopwatch.StartNew();
        var run = await _release.RunCmdletAsync(command);
        var elapsed = watch.Elapsed;
        var report = run.Output.ValueKind == JsonValueKind.Array && run.Output.GetArrayLength() == 1
            ? run.Output[0]
            : throw new InvalidOperationException($"'{command}' returned no report: {run}");
        var pid = await MainPid(unit);
        var facts = new Dictionary<string, string>();
        foreach (var (name, script) in probes)
        {
            facts[name] = (await Host.RunAsync(script)).StdOut.Trim();
        }
        return new InstallResult(run, report, elapsed, pid, await Exe(pid), await ReadyStatus(), await ActiveState(unit), facts);
    }

    public async Task<int> MainPid(string unit) =>
        int.Parse((await Host.RunCheckedAsync($"systemctl show -p MainPID --value {unit}")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public async Task<string> ActiveState(string unit) => (await Host.RunAsync($"systemctl is-active {unit}")).StdOut.Trim();

    public async Task<int> ReadyStatus() =>
        int.TryParse((await Host.RunAsync($"curl -s -o /dev/null -w '%{{http_code}}' --max-time 5 {Url}/v1/readyz")).StdOut.Trim(), out var code) ? code : 0;

    public async Task<string> Exe(int pid) => (await Host.RunAsync($"readlink /proc/{pid}/exe")).StdOut.Trim();

    /// <summary>Paths, sizes, modes and mtimes of everything an install could touch.</summary>
    private async Task<string> Tree() =>
        await Host.RunCheckedAsync("find /etc /usr/local /var/lib -xdev -printf '%p %s %m %T@\\n' 2>/dev/null | grep -v '^/var/lib/systemd/' | sort");

    /// <summary>
    /// A copy of the release archive as version <paramref name="version"/> (VERSION and SHA256SUMS rewritten), optionally with
    /// another nebulagc-server, written into the host's /root. Returns its path inside the host.
    /// </summary>
    public string RepackRelease(string version, string? serverBinary)
    {
        var files = new List<(string Name, byte[] Content, UnixFileMode Mode)>();
        using (var input = new GZipStream(File.OpenRead(_release.ReleaseOnMachine), CompressionMode.Decompress))
        using (var tar = new TarReader(input))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is null)
                {
                    continue;
                }
                var relative = entry.Name[(entry.Name.IndexOf('/') + 1)..];
                using var buffer = new MemoryStream();
                entry.DataStream.CopyTo(buffer);
                files.Add((relative, buffer.ToArray(), entry.Mode));
            }
        }
        files.RemoveAll(f => f.Name is "VERSION" or "SHA256SUMS");
        files.Add(("VERSION", Encoding.UTF8.GetBytes(version + "\n"), (UnixFileMode)Convert.ToInt32("644", 8)));
        if (serverBinary is not null)
        {
            var index = files.FindIndex(f => f.Name == "bin/nebulagc-server");
            files[index] = (files[index].Name, Encoding.UTF8.GetBytes(serverBinary), files[index].Mode);
        }
        var sums = string.Concat(files.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => $"{Convert.ToHexStringLower(SHA256.HashData(f.Content))}  {f.Name}\n"));
        files.Add(("SHA256SUMS", Encoding.UTF8.GetBytes(sums), (UnixFileMode)Convert.ToInt32("644", 8)));
        var name = $"nebulagc-{version}-linux-x64";
        var inside = $"/root/{name}.tar.gz";
        using (var output = File.Create(Host.HostPath(inside)))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (relative, content, mode) in files)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"{name}/{relative}") { Mode = mode, DataStream = new MemoryStream(content) };
                tar.WriteEntry(entry);
            }
        }
        return inside;
    }
}
