using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NebulaGC.PowerShell.Backup;
using NebulaGC.PowerShell.Operations;
using Xunit.Abstractions;

namespace NebulaGC.PowerShell.Tests;

/// <summary>Backup and restore against a real server process writing to a real SQLite file.</summary>
public sealed class BackupRestoreTests(ITestOutputHelper output) : ResourceOwningTest
{
    [Fact]
    public void Backup_during_a_load_of_50_writes_per_second_is_intact_and_holds_every_write_acknowledged_before_it_started()
    {
        // The server commits with synchronous=FULL: on this shared disk one fsync per commit caps the writer near 40/s.
        // The backup's consistency under >= 50 writes/s is what is tested, so the live database sits in memory-backed /dev/shm.
        var memory = Directory.CreateDirectory(Path.Combine("/dev/shm", "nebulagc-failover-" + Guid.NewGuid().ToString("N"))).FullName;
        Own(new DeleteOnDispose(memory));
        var server = Own(new HaServer("cp-a", Path.Combine(memory, "a", "nebulagc.db"), "master", memory)).StartReady();
        var load = Own(new WriteLoad(() => [server.AdminSocket], writesPerSecond: 120, writers: 8));
        load.WaitFor(a => a.Count >= 100, TimeSpan.FromSeconds(60), "100 writes");

        var before = load.Acks;
        var startedAt = Stopwatch.GetTimestamp();
        var reporter = new RecordingReporter();
        var result = new DatabaseBackup(reporter, TimeProvider.System).Run(new BackupRequest(server.DatabasePath, Dir.Path))!;
        var finishedAt = Stopwatch.GetTimestamp();
        load.WaitFor(a => a.Count >= before.Count + 50, TimeSpan.FromSeconds(30), "50 more writes after the backup");
        load.Stop();

        // The load really ran at >= 50 writes/s around the backup (what this test claims to exercise).
        var window = load.Acks.Where(a => a.At >= startedAt - Stopwatch.Frequency && a.At <= finishedAt + Stopwatch.Frequency).ToList();
        var rate = window.Count / Stopwatch.GetElapsedTime(startedAt - Stopwatch.Frequency, finishedAt + Stopwatch.Frequency).TotalSeconds;
        output.WriteLine($"backup took {result.Duration.TotalMilliseconds:0} ms under {rate:0} writes/s; {before.Count} writes acknowledged before it started");
        Assert.True(rate >= 50, $"the write load ran at {rate:0.0} writes/s, below the 50/s this test is about");

        using var copy = Open(result.Path);
        Assert.Equal("ok", Scalar(copy, "PRAGMA integrity_check;"));
        var names = Names(copy);
        Assert.All(before, a => Assert.Contains(a.Name, names));

        var metadata = JsonDocument.Parse(File.ReadAllText(result.MetadataPath)).RootElement;
        Assert.Equal(DatabaseBackup.Hash(result.Path).Sha256, metadata.GetProperty("sha256").GetString());
        Assert.Equal(DatabaseFile.SupportedSchemaVersion, metadata.GetProperty("schema_version").GetInt32());
        Assert.Equal(1, metadata.GetProperty("epoch").GetInt64());
        Assert.True(metadata.GetProperty("data_position").GetInt64() >= before.Count);
        Assert.True(metadata.TryGetProperty("config_versions", out _));
        Assert.True(metadata.TryGetProperty("created_at", out _));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(result.Path));
    }

    [Fact]
    public void Restore_from_a_backup_file_moves_the_current_database_aside_and_reports_what_it_restored()
    {
        var (db, backup, expected) = ServerDatabaseWithBackup(tenantsBefore: 5, tenantsAfter: 3);
        var beforeBytes = File.ReadAllBytes(db);

        var result = Restore().Run(new RestoreRequest(db, new RestoreSource(backup, null)), CancellationToken.None)!;

        Assert.True(result.Restored);
        Assert.NotNull(result.MovedAsidePath);
        Assert.Matches(@"\.pre-restore-\d{8}T\d{9}Z$", result.MovedAsidePath);
        Assert.Equal(beforeBytes, File.ReadAllBytes(result.MovedAsidePath!));
        using var restored = Open(db);
        Assert.Equal(expected, Names(restored).Where(n => n.StartsWith("t-", StringComparison.Ordinal)).Order().ToList());
        Assert.Equal(5, result.Database!.RowsPerTable["tenants"]);
        Assert.Equal(DatabaseFile.SupportedSchemaVersion, result.Database.SchemaVersion);
    }

    [Fact]
    public void Restore_refuses_a_corrupt_file_and_changes_nothing()
    {
        var (db, _, _) = ServerDatabaseWithBackup(tenantsBefore: 2, tenantsAfter: 1);
        var corrupt = Dir.Combine("corrupt.db");
        File.WriteAllBytes(corrupt, [.. "SQLite format 3\0"u8, .. new byte[8192]]);
        AssertRefusedUnchanged(db, new RestoreRequest(db, new RestoreSource(corrupt, null)), ErrorIds.RestoreSourceCorrupt);
    }

    [Fact]
    public void Restore_refuses_a_backup_whose_bytes_no_longer_match_its_metadata_and_changes_nothing()
    {
        var (db, backup, _) = ServerDatabaseWithBackup(tenantsBefore: 2, tenantsAfter: 1);
        using (var c = Open(backup))
        {
            Exec(c, "INSERT INTO tenants (tenant_id, name, created_at) VALUES ('x', 'tampered', '2026-01-01T00:00:00Z');");
        }
        AssertRefusedUnchanged(db, new RestoreRequest(db, new RestoreSource(backup, null)), ErrorIds.RestoreSourceCorrupt);
    }

    [Fact]
    public void Restore_refuses_a_newer_schema_than_this_release_and_changes_nothing()
    {
        var (db, backup, _) = ServerDatabaseWithBackup(tenantsBefore: 2, tenantsAfter: 1);
        var newer = Dir.Combine("newer.db");
        File.Copy(backup, newer);
        using (var c = Open(newer))
        {
            Exec(c, $"PRAGMA user_version = {DatabaseFile.SupportedSchemaVersion + 1};");
        }
        AssertRefusedUnchanged(db, new RestoreRequest(db, new RestoreSource(newer, null)), ErrorIds.RestoreSchemaTooNew);
    }

    [Fact]
    public void Restore_refuses_a_database_a_running_server_uses_unless_forced_and_changes_nothing()
    {
        var (db, backup, _) = ServerDatabaseWithBackup(tenantsBefore: 2, tenantsAfter: 1);
        var server = Own(new HaServer("cp-a", db, "master", Dir.Path)).StartReady();
        AssertRefusedUnchanged(db, new RestoreRequest(db, new RestoreSource(backup, null)), ErrorIds.RestoreDatabaseInUse);
        Assert.True(server.Running);
    }

    [Fact]
    public void Restore_with_force_stops_the_server_restores_starts_it_and_waits_until_ready()
    {
        var (db, backup, expected) = ServerDatabaseWithBackup(tenantsBefore: 4, tenantsAfter: 6);
        var server = Own(new HaServer("cp-a", db, "master", Dir.Path)).StartReady();
        var services = new ServerProcessServices { ["nebulagc-server.service"] = server };

        var result = Restore(services).Run(new RestoreRequest(db, new RestoreSource(backup, null), Force: true, Service: "nebulagc-server.service", ReadyUrl: server.Url), CancellationToken.None)!;

        Assert.True(result.ServiceRestarted);
        Assert.Equal(["stop nebulagc-server.service", "start nebulagc-server.service"], services.Calls);
        Assert.True(server.Running);
        Assert.True(server.CheckMaster().Master);
        using var restored = Open(db);
        Assert.Equal(expected, Names(restored).Where(n => n.StartsWith("t-", StringComparison.Ordinal)).Order().ToList());
    }

    private void AssertRefusedUnchanged(string db, RestoreRequest request, ErrorId expected)
    {
        var directory = Path.GetDirectoryName(db)!;
        var before = Snapshot(directory);
        var error = Assert.Throws<NebulaGCException>(() => Restore().Run(request, CancellationToken.None));
        output.WriteLine(error.Message);
        Assert.Equal(expected, error.Id);
        Assert.Equal(before, Snapshot(directory));
    }

    /// <summary>Every file in the directory with its SHA-256 (the -shm of a running server excepted: SQLite rewrites it on reads).</summary>
    private static Dictionary<string, string> Snapshot(string directory) =>
        Directory.GetFiles(directory).Where(f => !f.EndsWith("-shm", StringComparison.Ordinal) && !f.EndsWith(".sock", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>A server-made database: <paramref name="tenantsBefore"/> tenants, a backup, then more tenants; the server stopped.</summary>
    private (string Db, string Backup, List<string> ExpectedInBackup) ServerDatabaseWithBackup(int tenantsBefore, int tenantsAfter)
    {
        var db = Dir.Combine("data", "nebulagc.db");
        using (var server = new HaServer("cp-a", db, "master", Dir.Path).StartReady())
        {
            using var admin = HaServer.AdminClient(server.AdminSocket, TimeSpan.FromSeconds(10));
            var expected = Enumerable.Range(0, tenantsBefore).Select(i => $"t-before-{i}").ToList();
            foreach (var name in expected)
            {
                CreateTenant(admin, name);
            }
            var backup = new DatabaseBackup(new RecordingReporter(), TimeProvider.System).Run(new BackupRequest(db, Dir.Combine("backup.db")))!;
            for (var i = 0; i < tenantsAfter; i++)
            {
                CreateTenant(admin, $"t-after-{i}");
            }
            server.Kill();
            return (db, backup.Path, expected.Order().ToList());
        }
    }

    internal static void CreateTenant(HttpClient admin, string name)
    {
        using var response = admin.PostAsync("/admin/tenants", new StringContent(JsonSerializer.Serialize(new { name }), System.Text.Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
    }

    private DatabaseRestore Restore(IServiceControl? services = null) =>
        new(new RecordingReporter(), TimeProvider.System, services ?? new ServerProcessServices(), new LitestreamCli(Toolkit.LitestreamBinary));

    internal static SqliteConnection Open(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    internal static HashSet<string> Names(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name FROM tenants;";
        using var r = cmd.ExecuteReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read())
        {
            names.Add(r.GetString(0));
        }
        return names;
    }

    internal static object? Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    internal static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}

/// <summary>Deletes a directory outside the temp directory (a memory-backed one in /dev/shm) when the test ends.</summary>
internal sealed class DeleteOnDispose(string directory) : IDisposable
{
    public void Dispose() => Directory.Delete(directory, recursive: true);
}

/// <summary>
/// The service manager for tests: "services" are real processes (a real nebulagc-server, a real litestream), started and
/// stopped by name, where the cmdlets use systemd (not PID 1 here). Stop is SIGKILL, harsher than systemd's SIGTERM.
/// </summary>
public sealed class ServerProcessServices : Dictionary<string, HaServer>, IServiceControl, IDisposable
{
    public void Dispose()
    {
        foreach (var p in _running.Values)
        {
            p.Dispose();
        }
    }

    public List<string> Calls { get; } = [];

    public Dictionary<string, Func<BackgroundProcess>> Others { get; } = [];

    private readonly Dictionary<string, BackgroundProcess> _running = [];

    public IReadOnlyCollection<BackgroundProcess> Running => _running.Values;

    public bool IsActive(string service) =>
        TryGetValue(service, out var server) ? server.Running : _running.TryGetValue(service, out var p) && !p.HasExited;

    public void Stop(string service)
    {
        Calls.Add("stop " + service);
        if (TryGetValue(service, out var server))
        {
            server.Kill();
        }
        else if (_running.Remove(service, out var p))
        {
            p.Dispose();
        }
    }

    public void Start(string service)
    {
        Calls.Add("start " + service);
        if (TryGetValue(service, out var server))
        {
            server.Start();
        }
        else
        {
            _running[service] = Others[service]();
        }
    }
}
