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

    // Connections kept open for PRAGMA data_version, which only moves for commits made through other connections: one per
    // thread, so the check every request makes never waits for a lock (with one shared connection, 64 concurrent requests
    // spent more CPU spinning on its lock than on the check). Each connection's counter has its own origin, so each thread
    // compares only with what its own connection said last.
    private readonly ThreadLocal<ChangeWatcher?> _watchers = new(trackAllValues: true);

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
        foreach (var watcher in _watchers.Values)
        {
            watcher?.Close();
        }
        foreach (var connectionString in new[] { _readWrite, _readOnly })
        {
            using var connection = new SqliteConnection(connectionString);
            SqliteConnection.ClearPool(connection);
        }
    }

    /// <summary>
    /// Whether a transaction has committed to the file since the calling thread last asked — through any connection: this
    /// process's own writes, another process's (the CLI on the same file), the master's as replicated onto a replica
    /// (LiteFS). True the first time a thread asks. SQLite's <c>PRAGMA data_version</c> on a connection kept per thread; a
    /// few microseconds, no file I/O in WAL mode (it reads the shared-memory index).
    /// </summary>
    public bool CommittedSinceLastCheck()
    {
        var watcher = _watchers.Value;
        try
        {
            // Also after ReleaseConnections closed it (shutdown, role change): open a fresh one.
            if (watcher is null || !watcher.IsOpen)
            {
                watcher = new ChangeWatcher(Open());
                _watchers.Value = watcher;
            }
            return watcher.Moved();
        }
        catch (SqliteException ex)
        {
            watcher?.Close();
            _watchers.Value = null;
            throw new DatabaseUnavailable($"reading the change counter of database '{Path}' failed: {ex.Message}", ex);
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

    /// <summary>One thread's connection for <c>PRAGMA data_version</c> and the value it returned last.</summary>
    private sealed class ChangeWatcher
    {
        private readonly SqliteCommand _dataVersion;
        private long? _last;

        public ChangeWatcher(SqliteConnection connection)
        {
            _dataVersion = connection.CreateCommand();
            _dataVersion.CommandText = "PRAGMA data_version;";
        }

        public bool IsOpen => _dataVersion.Connection is { State: System.Data.ConnectionState.Open };

        public bool Moved()
        {
            long now = (long)_dataVersion.ExecuteScalar()!;
            bool moved = now != _last;
            _last = now;
            return moved;
        }

        public void Close()
        {
            var connection = _dataVersion.Connection;
            _dataVersion.Dispose();
            connection?.Dispose();
        }
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
