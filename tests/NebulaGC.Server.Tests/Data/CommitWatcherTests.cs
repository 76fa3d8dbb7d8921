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

    [Fact]
    public void Watching_for_commits_leaves_sqlites_lock_on_the_shared_memory_file_in_place()
    {
        var db = new Database(_dir.Combine("nebulagc.db"), readOnly: false);
        Migrator.Apply(db, new FakeTimeProvider());
        using var connection = db.Open();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT COUNT(*) FROM schema_migrations;";
            read.ExecuteScalar();
        }
        Assert.True(HoldsSharedMemoryLock(db), "an open connection holds SQLite's lock on the -shm file");

        // Opening and closing another descriptor of the file would drop every POSIX lock this process holds on it, and
        // other processes would then believe no one else has the database open.
        db.CurrentCommit();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.True(HoldsSharedMemoryLock(db), "SQLite's lock on the -shm file survives the commit watcher");
        db.ReleaseConnections();
    }

    /// <summary>Whether this process holds a POSIX lock on the database's -shm file (/proc/locks, Linux).</summary>
    private static bool HoldsSharedMemoryLock(Database db)
    {
        var stat = ProcessRunner.Run("stat", ["-c", "%i", db.Path + "-shm"]);
        Assert.True(stat.ExitCode == 0, stat.Describe());
        var inode = ":" + stat.Stdout.Trim() + " ";
        var pid = " " + Environment.ProcessId + " ";
        return File.ReadLines("/proc/locks").Any(line => line.Contains("POSIX", StringComparison.Ordinal) && line.Contains(pid, StringComparison.Ordinal) && line.Contains(inode, StringComparison.Ordinal));
    }
}
