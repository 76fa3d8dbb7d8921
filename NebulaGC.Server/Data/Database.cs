using Microsoft.Data.Sqlite;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Data;

/// <summary>
/// The SQLite database file. Every connection has foreign keys on and a busy timeout; a read-only database
/// (a replica's) refuses <see cref="Write{T}"/> before touching the file.
/// </summary>
public sealed class Database
{
    /// <summary>How long a statement waits for another writer's lock before failing (ms).</summary>
    public const int BusyTimeoutMilliseconds = 5000;

    private readonly string _readWrite;
    private readonly string _readOnly;
    private volatile bool _isReadOnly;

    // Sees commits from any connection or process without a query (see CommitWatcher); opened on first use.
    private readonly Lock _watcherGate = new();
    private CommitWatcher? _watcher;

    public Database(string path, bool readOnly)
    {
        Path = System.IO.Path.GetFullPath(path);
        _isReadOnly = readOnly;
        _readWrite = ConnectionString(SqliteOpenMode.ReadWriteCreate);
        _readOnly = ConnectionString(SqliteOpenMode.ReadOnly);
    }

    public string Path { get; }

    /// <summary>A replica's database is opened read-only; promotion switches it to read-write.</summary>
    public bool IsReadOnly
    {
        get => _isReadOnly;
        set => _isReadOnly = value;
    }

    /// <summary>
    /// Runs inside every <see cref="Write{T}"/> transaction before the change: the HA layer checks fencing there and moves
    /// the data position, so no write can commit on an instance that lost mastership.
    /// </summary>
    public Action<SqliteConnection, SqliteTransaction>? BeforeWrite { get; set; }

    /// <summary>
    /// Runs after every <see cref="Write{T}"/> commits and before it returns: the in-memory read model forgets what the
    /// change may have replaced, so no read that starts after the write returned can see the old state.
    /// </summary>
    public event Action? Committed;

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_isReadOnly ? _readOnly : _readWrite);
        try
        {
            connection.Open();
            connection.Execute($"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};");
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new DatabaseUnavailable($"opening database '{Path}' failed: {ex.Message}", ex);
        }
        return connection;
    }

    /// <summary>
    /// Closes this file's pooled connections. On a master the last close checkpoints the WAL into the database file, so a
    /// clean shutdown leaves one self-contained file behind.
    /// </summary>
    public void ReleaseConnections()
    {
        lock (_watcherGate)
        {
            _watcher?.Dispose();
            _watcher = null;
        }
        foreach (var connectionString in new[] { _readWrite, _readOnly })
        {
            using var connection = new SqliteConnection(connectionString);
            SqliteConnection.ClearPool(connection);
        }
    }

    /// <summary>
    /// The committed state of the file as a stamp: two equal stamps mean no transaction committed in between, through any
    /// connection: this process's writes, another process's (the CLI on the same file), the master's as replicated onto a
    /// replica (LiteFS). A memory read of SQLite's shared WAL index (see <see cref="CommitWatcher"/>): no lock and no system
    /// call, so every request can ask.
    /// </summary>
    public CommitStamp CurrentCommit()
    {
        var watcher = Volatile.Read(ref _watcher);
        if (watcher is null)
        {
            lock (_watcherGate)
            {
                // Also after ReleaseConnections closed it (shutdown, role change): open a fresh one.
                _watcher ??= CommitWatcher.Open(this);
                watcher = _watcher;
            }
        }
        return watcher.Current();
    }

    /// <summary>Whether <see cref="CurrentCommit"/> reads shared memory (WAL mode) rather than asking SQLite (for tests).</summary>
    internal bool SeesCommitsInSharedMemory
    {
        get
        {
            CurrentCommit();
            return Volatile.Read(ref _watcher)!.ReadsSharedMemory;
        }
    }

    public T Read<T>(Func<SqliteConnection, T> query)
    {
        using var connection = Open();
        return query(connection);
    }

    /// <summary>Runs several reads against one consistent snapshot of the database.</summary>
    public T Snapshot<T>(Func<SqliteConnection, SqliteTransaction, T> query)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        return query(connection, transaction);
    }

    /// <summary>
    /// Runs <paramref name="change"/> in one immediate transaction: every step of a change (the row, the config
    /// version bump, the audit) commits together or not at all.
    /// </summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> change)
    {
        if (IsReadOnly)
        {
            throw new ReplicaReadOnly();
        }
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        BeforeWrite?.Invoke(connection, transaction);
        var result = change(connection, transaction);
        transaction.Commit();
        Committed?.Invoke();
        return result;
    }

    private string ConnectionString(SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = Path,
        Mode = mode,
        ForeignKeys = true,
        Pooling = true,
        DefaultTimeout = BusyTimeoutMilliseconds / 1000,
    }.ToString();
}
