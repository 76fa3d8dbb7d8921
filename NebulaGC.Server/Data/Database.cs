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

    private readonly string _connectionString;

    public Database(string path, bool readOnly)
    {
        Path = System.IO.Path.GetFullPath(path);
        IsReadOnly = readOnly;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
    }

    public string Path { get; }

    public bool IsReadOnly { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
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

    public T Read<T>(Func<SqliteConnection, T> query)
    {
        using var connection = Open();
        return query(connection);
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
        var result = change(connection, transaction);
        transaction.Commit();
        return result;
    }
}
