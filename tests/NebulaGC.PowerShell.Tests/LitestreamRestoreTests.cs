using NebulaGC.PowerShell.Backup;
using Xunit.Abstractions;

namespace NebulaGC.PowerShell.Tests;

/// <summary><c>Restore-NebulaGCDatabase -LitestreamConfig</c> with the real litestream 0.3.13 and a real server's database.</summary>
public sealed class LitestreamRestoreTests(ITestOutputHelper output) : ResourceOwningTest
{
    [Fact]
    public void An_empty_replica_is_refused_without_change_or_with_AllowEmptyReplica_restores_nothing_and_changes_nothing()
    {
        var litestream = Own(new LitestreamFixture(Dir, "file")).StartStorage();
        var db = Dir.Combine("data", "nebulagc.db");
        Own(new HaServer("cp-a", db, "master", Dir.Path)).StartReady().Kill();
        var config = litestream.Config(db, "a");
        var before = File.ReadAllBytes(db);
        var restore = new DatabaseRestore(new RecordingReporter(), TimeProvider.System, new ServerProcessServices(), litestream.Cli);

        var error = Assert.Throws<NebulaGCException>(() => restore.Run(new RestoreRequest(db, new RestoreSource(null, config)), CancellationToken.None));
        Assert.Equal(ErrorIds.RestoreReplicaEmpty, error.Id);
        var result = restore.Run(new RestoreRequest(db, new RestoreSource(null, config), AllowEmptyReplica: true), CancellationToken.None)!;

        Assert.False(result.Restored);
        Assert.Equal(before, File.ReadAllBytes(db));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(db)!, "*pre-restore*"));
    }

    [Fact]
    public void Point_in_time_restore_returns_exactly_the_rows_committed_before_the_timestamp()
    {
        var litestream = Own(new LitestreamFixture(Dir, "file")).StartStorage();
        var db = Dir.Combine("data", "nebulagc.db");
        var server = Own(new HaServer("cp-a", db, "master", Dir.Path)).StartReady();
        var config = litestream.Config(db, "a");
        var replicate = litestream.Replicate(config);
        using var admin = HaServer.AdminClient(server.AdminSocket, TimeSpan.FromSeconds(10));

        var early = Enumerable.Range(0, 20).Select(i => $"pit-early-{i}").ToList();
        early.ForEach(n => BackupRestoreTests.CreateTenant(admin, n));
        WaitUntilReplicaHolds(litestream, config, db, early[^1]);
        var timestamp = DateTimeOffset.UtcNow;
        // The replica stamps each WAL segment with the time it was written: keep the later batch clearly after the timestamp.
        while (DateTimeOffset.UtcNow < timestamp.AddSeconds(1.5))
        {
            Thread.Sleep(50);
        }
        var late = Enumerable.Range(0, 20).Select(i => $"pit-late-{i}").ToList();
        late.ForEach(n => BackupRestoreTests.CreateTenant(admin, n));
        WaitUntilReplicaHolds(litestream, config, db, late[^1]);
        replicate.Kill();
        server.Kill();

        var restore = new DatabaseRestore(new RecordingReporter(), TimeProvider.System, new ServerProcessServices(), litestream.Cli);
        var result = restore.Run(new RestoreRequest(db, new RestoreSource(null, config, timestamp)), CancellationToken.None)!;

        output.WriteLine($"restored {result.Source}, generation {result.Generation}, tenants {result.Database!.RowsPerTable["tenants"]}");
        using var restored = BackupRestoreTests.Open(db);
        var names = BackupRestoreTests.Names(restored);
        Assert.Equal(early.Order(), names.Where(n => n.StartsWith("pit-", StringComparison.Ordinal)).Order());
        Assert.Matches("^[0-9a-f]{16}$", result.Generation);
        Assert.Equal("ok", BackupRestoreTests.Scalar(restored, "PRAGMA integrity_check;"));
    }

    /// <summary>Replication is asynchronous (sync-interval 1 s): restore the newest state until it holds <paramref name="name"/>.</summary>
    private void WaitUntilReplicaHolds(LitestreamFixture litestream, string config, string db, string name)
    {
        var probe = Dir.Combine("probe.db");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            foreach (var f in Directory.GetFiles(Dir.Path, "probe.db*"))
            {
                File.Delete(f);
            }
            if (litestream.Cli.Restore(config, db, probe, null, null) is not null)
            {
                using var c = BackupRestoreTests.Open(probe);
                if (BackupRestoreTests.Names(c).Contains(name))
                {
                    return;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the replica did not hold '{name}' within 60 s");
            }
            Thread.Sleep(200);
        }
    }
}
