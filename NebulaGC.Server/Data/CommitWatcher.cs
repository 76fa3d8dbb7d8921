using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Data;

/// <summary>The committed state of a database file (see <see cref="Database.CurrentCommit"/>): equal stamps, no commit in between.</summary>
public readonly record struct CommitStamp(ulong Word0, ulong Word1, ulong Word2, ulong Word3, ulong Word4, ulong Word5);

/// <summary>
/// Sees every commit to a WAL database by reading the WAL-index header at the start of its <c>-shm</c> file: the shared
/// memory every SQLite connection reads before each read transaction to learn whether the database changed ("WAL-index
/// header", https://www.sqlite.org/walformat.html). A committing writer rewrites it (frame count, checksums, change
/// counter) before its commit returns, so a header equal to an earlier read means nothing committed in between. That is the
/// signal <c>PRAGMA data_version</c> is computed from, without the read transaction the pragma opens (file-lock system
/// calls each time), so it costs a memory read.
/// <para>
/// One connection stays open while watching: an open connection holds the shared lock that keeps the last closing
/// connection of another process from deleting and recreating the -shm file under the mapping. Where the file is not in
/// WAL mode or cannot be mapped, the watcher asks <c>PRAGMA data_version</c> on that connection instead (correct, slower).
/// </para>
/// </summary>
internal sealed class CommitWatcher : IDisposable
{
    // The header's first copy: a writer updates it last (after the second copy and a memory barrier).
    private const int HeaderBytes = 48;

    private static readonly System.Collections.Concurrent.ConcurrentBag<IDisposable> OpenedForLife = [];

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _dataVersion;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly nint _header;

    private CommitWatcher(SqliteConnection connection, SqliteCommand dataVersion, MemoryMappedViewAccessor? view)
    {
        _connection = connection;
        _dataVersion = dataVersion;
        _view = view;
        // The view is never unmapped while this object is reachable (see Dispose), so its address stays valid for reads.
        _header = view is null ? 0 : view.SafeMemoryMappedViewHandle.DangerousGetHandle() + (nint)view.PointerOffset;
    }

    /// <summary>Whether commits are seen in shared memory (WAL mode) rather than by querying.</summary>
    public bool ReadsSharedMemory => _header != 0;

    public static CommitWatcher Open(Database database)
    {
        var connection = database.Open();
        try
        {
            var dataVersion = connection.CreateCommand();
            dataVersion.CommandText = "PRAGMA data_version;";
            // A first read transaction opens the WAL index (and creates the -shm file if this is the first connection).
            dataVersion.ExecuteScalar();
            var journalMode = connection.CreateCommand();
            journalMode.CommandText = "PRAGMA journal_mode;";
            if (journalMode.ExecuteScalar() is not "wal")
            {
                return new CommitWatcher(connection, dataVersion, null);
            }
            try
            {
                // Shared for writing and deletion: SQLite's connections write this file and the last one to close removes it.
                var shm = new FileStream(database.Path + "-shm", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                // Never closed, not even by a finalizer: closing any descriptor of a file drops every POSIX lock this process
                // holds on it, and SQLite's connections in this process hold theirs on the -shm file (the lock that tells
                // other processes they are not alone, the read marks). One descriptor per watcher opened, for the process.
                OpenedForLife.Add(shm);
                var map = MemoryMappedFile.CreateFromFile(shm, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
                OpenedForLife.Add(map);
                return new CommitWatcher(connection, dataVersion, map.CreateViewAccessor(0, HeaderBytes, MemoryMappedFileAccess.Read));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return new CommitWatcher(connection, dataVersion, null);
            }
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new DatabaseUnavailable($"watching database '{database.Path}' for commits failed: {ex.Message}", ex);
        }
    }

    public CommitStamp Current()
    {
        if (_header == 0)
        {
            lock (_dataVersion)
            {
                return new CommitStamp((ulong)(long)_dataVersion.ExecuteScalar()!, 0, 0, 0, 0, 0);
            }
        }
        var stamp = new CommitStamp(
            (ulong)Marshal.ReadInt64(_header, 0), (ulong)Marshal.ReadInt64(_header, 8), (ulong)Marshal.ReadInt64(_header, 16),
            (ulong)Marshal.ReadInt64(_header, 24), (ulong)Marshal.ReadInt64(_header, 32), (ulong)Marshal.ReadInt64(_header, 40));
        GC.KeepAlive(_view);
        return stamp;
    }

    /// <summary>
    /// Closes the connection. The mapping stays (see <see cref="OpenedForLife"/>): a request may still be reading through
    /// this watcher, and unmapping under it would crash the process.
    /// </summary>
    public void Dispose()
    {
        lock (_dataVersion)
        {
            _dataVersion.Dispose();
            _connection.Dispose();
        }
    }
}
