using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;

namespace NebulaGC.PowerShell.Backup;

/// <summary>What <c>Backup-NebulaGCDatabase</c> copies and where.</summary>
/// <param name="DatabasePath">The live database (the server may keep writing).</param>
/// <param name="Destination">A file path for the copy, or an existing directory (the copy is named <c>nebulagc-&lt;UTC time&gt;.db</c>).</param>
public sealed record BackupRequest(string DatabasePath, string Destination);

/// <summary>The metadata file written beside a backup (<c>&lt;backup&gt;.json</c>); restore checks the copy against it.</summary>
public sealed record BackupMetadata(
    string SourcePath,
    DateTimeOffset CreatedAt,
    string Sha256,
    long SizeBytes,
    int SchemaVersion,
    long Epoch,
    string? MasterInstanceId,
    long DataPosition,
    IReadOnlyDictionary<string, long> ConfigVersions,
    IReadOnlyDictionary<string, long> RowsPerTable,
    string ModuleVersion)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string PathFor(string backupPath) => backupPath + ".json";
}

/// <summary>A finished backup: the copy, its metadata file and what they hold.</summary>
public sealed record BackupResult(string Path, string MetadataPath, BackupMetadata Metadata, TimeSpan Duration);

/// <summary>
/// A consistent online copy of a live database with SQLite's backup API (one step under one read snapshot, so the
/// copy holds every transaction committed before it began and none half-done), integrity-checked, with metadata.
/// Needs only read access to the database: it never writes to the source.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DatabaseBackup(IReporter reporter, TimeProvider time)
{
    private const string Activity = "Backing up NebulaGC database";

    public BackupResult? Run(BackupRequest request)
    {
        var source = Path.GetFullPath(request.DatabasePath);
        if (!File.Exists(source))
        {
            throw new NebulaGCException(ErrorIds.BackupSourceNotFound, $"database '{source}' does not exist: pass the server's database path (NEBULAGC_DB_PATH)", source);
        }
        var started = time.GetTimestamp();
        var createdAt = time.GetUtcNow();
        var destination = Destination(request.Destination, createdAt);
        if (File.Exists(destination) || File.Exists(BackupMetadata.PathFor(destination)))
        {
            throw new NebulaGCException(ErrorIds.BackupDestinationExists, $"backup '{destination}' already exists: a backup is never overwritten; choose another -Destination", destination);
        }
        if (!reporter.ShouldProcess(destination, $"Back up database '{source}'"))
        {
            return null;
        }

        var directory = Path.GetDirectoryName(destination)!;
        var partial = Path.Combine(directory, $".{Path.GetFileName(destination)}.partial-{Guid.NewGuid():N}");
        try
        {
            reporter.Progress(Activity, $"copying '{source}' with the SQLite backup API", 10);
            Copy(source, partial);
            reporter.Progress(Activity, "PRAGMA integrity_check on the copy", 60);
            DatabaseFile.RequireIntact(partial, ErrorIds.BackupIntegrityFailed);
            var summary = DatabaseFile.Summarize(partial);
            var (sha256, size) = Hash(partial);
            var metadata = new BackupMetadata(source, createdAt, sha256, size, summary.SchemaVersion, summary.Epoch, summary.MasterInstanceId,
                summary.DataPosition, summary.ConfigVersions, summary.RowsPerTable, ModuleInfo.Version);
            File.Move(partial, destination);
            WriteMetadata(destination, metadata);
            reporter.Verbose($"backup '{destination}': schema {metadata.SchemaVersion}, epoch {metadata.Epoch}, data position {metadata.DataPosition}, sha256 {metadata.Sha256}");
            reporter.Progress(Activity, "done", 100);
            return new BackupResult(destination, BackupMetadata.PathFor(destination), metadata, time.GetElapsedTime(started));
        }
        catch (SqliteException e)
        {
            throw new NebulaGCException(ErrorIds.BackupFailed, $"backing up '{source}' to '{destination}' failed: {e.Message}", source, e);
        }
        catch (IOException e)
        {
            throw new NebulaGCException(ErrorIds.BackupFailed, $"backing up '{source}' to '{destination}' failed: {e.Message}", source, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new NebulaGCException(ErrorIds.BackupFailed, $"backing up '{source}' to '{destination}' failed: {e.Message} (the operator needs read access to the database and write access to the destination)", source, e);
        }
        finally
        {
            foreach (var leftover in new[] { partial, partial + "-journal", partial + "-wal", partial + "-shm" })
            {
                File.Delete(leftover);
            }
        }
    }

    private static string Destination(string requested, DateTimeOffset createdAt)
    {
        var full = Path.GetFullPath(requested);
        if (Directory.Exists(full))
        {
            return Path.Combine(full, $"nebulagc-{createdAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.db");
        }
        if (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            throw new NebulaGCException(ErrorIds.BackupDestinationNotFound, $"directory '{Path.GetDirectoryName(full)}' for backup '{full}' does not exist", full);
        }
        return full;
    }

    private static void Copy(string source, string partial)
    {
        // Created 0600 before SQLite opens it: the copy holds token hashes and encrypted CA keys.
        using (new FileStream(partial, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
        }
        using var from = DatabaseFile.Open(source, readOnly: true);
        using (var to = DatabaseFile.Open(partial, readOnly: false))
        {
            from.BackupDatabase(to);
            // One self-contained file: the copied header still says WAL.
            using var journal = to.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode = DELETE;";
            journal.ExecuteNonQuery();
        }
        using var stream = new FileStream(partial, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    internal static (string Sha256, long Size) Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return (Convert.ToHexStringLower(SHA256.HashData(stream)), stream.Length);
    }

    private static void WriteMetadata(string backupPath, BackupMetadata metadata)
    {
        var path = BackupMetadata.PathFor(backupPath);
        var temp = path + ".partial";
        File.WriteAllText(temp, JsonSerializer.Serialize(metadata, BackupMetadata.Json) + "\n");
        File.Move(temp, path);
    }
}
