using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using NebulaGC.Server.Data;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Data;

/// <summary>
/// The read model's staleness check: <see cref="Database.CurrentCommit"/> reads the WAL index SQLite shares between
/// connections and processes. A connection of its own (not through <see cref="Database"/>, as another process would
/// write) commits, and the stamp must move every time — and stay put when nothing committed.
/// </summary>
public sealed class CommitWatcherTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public void The_commit_stamp_moves_with_each_commit_through_any_connection_and_only_then()
    {
        var db = new Database(_dir.Combine("nebulagc.db"), readOnly: false);
        Migrator.Apply(db, new FakeTimeProvider());
        Assert.True(db.SeesCommitsInSharedMemory, "a WAL database is watched through its shared memory, not by querying");

        using var other = new SqliteConnection($"Data Source={db.Path};Pooling=False");
        other.Open();
        void Execute(string sql)
        {
            using var command = other.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        var before = db.CurrentCommit();
        Assert.Equal(before, db.CurrentCommit());
        Execute("CREATE TABLE probe (x INTEGER);");
        var created = db.CurrentCommit();
        Assert.NotEqual(before, created);
        Execute("SELECT COUNT(*) FROM probe;");
        Assert.Equal(created, db.CurrentCommit());
        for (var i = 0; i < 3; i++)
        {
            var previous = db.CurrentCommit();
            Execute($"INSERT INTO probe VALUES ({i});");
            Assert.NotEqual(previous, db.CurrentCommit());
        }
        // A checkpoint that restarts the WAL must not hide the next commit either.
        var beforeCheckpoint = db.CurrentCommit();
        Execute("PRAGMA wal_checkpoint(TRUNCATE);");
        Execute("INSERT INTO probe VALUES (99);");
        Assert.NotEqual(beforeCheckpoint, db.CurrentCommit());
        db.ReleaseConnections();
    }
}
