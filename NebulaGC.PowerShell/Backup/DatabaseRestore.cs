using System.Diagnostics;
using System.Text.Json;
using NebulaGC.PowerShell.Instances;
using NebulaGC.PowerShell.Operations;

namespace NebulaGC.PowerShell.Backup;

/// <summary>Where a restore comes from: a backup file, or a Litestream replica (newest state, or the state at <see cref="Timestamp"/>).</summary>
public sealed record RestoreSource(string? BackupPath, string? LitestreamConfig, DateTimeOffset? Timestamp = null, string? ReplicaName = null)
{
    public string Describe() => BackupPath is not null
        ? $"backup file '{BackupPath}'"
        : $"Litestream replica{(ReplicaName is null ? "" : $" '{ReplicaName}'")} of '{LitestreamConfig}'{(Timestamp is { } t ? $" at {t.UtcDateTime:O}" : "")}";
}

/// <summary>What <c>Restore-NebulaGCDatabase</c> does.</summary>
/// <param name="Service">The server's service (systemd unit) that -Force stops and starts again.</param>
/// <param name="ReadyUrl">Where -Force waits for <c>/v1/readyz</c> after starting the service.</param>
/// <param name="AllowEmptyReplica">An empty Litestream replica (first boot) is not an error: nothing is restored or changed.</param>
public sealed record RestoreRequest(
    string DatabasePath,
    RestoreSource Source,
    bool Force = false,
    string? Service = null,
    Uri? ReadyUrl = null,
    bool AllowEmptyReplica = false,
    TimeSpan? ReadyTimeout = null);

/// <summary>What was restored; <see cref="MovedAsidePath"/> keeps the previous database (never deleted).</summary>
public sealed record RestoreResult(
    string DatabasePath,
    string Source,
    string? Generation,
    DateTimeOffset? Timestamp,
    string? MovedAsidePath,
    bool Restored,
    DatabaseSummary? Database,
    bool ServiceRestarted,
    TimeSpan Duration)
{
    public const string TypeName = "NebulaGC.RestoreResult";
}

/// <summary>A checked database ready to take the live file's place (a temp file beside it).</summary>
public sealed record RestoreCandidate(string TempPath, string Source, string? Generation, DateTimeOffset? Timestamp, DatabaseSummary Summary);

/// <summary>
/// Restores a NebulaGC database. Order matters for "nothing is changed on refusal": the candidate is restored into a
/// temp file and checked (integrity, schema version, metadata hash) before the live file is looked at; the live file
/// is only moved aside (<c>*.pre-restore-&lt;time&gt;</c>) when everything else has passed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DatabaseRestore(IReporter reporter, TimeProvider time, IServiceControl services, LitestreamCli litestream)
{
    private const string Activity = "Restoring NebulaGC database";

    public RestoreResult? Run(RestoreRequest request, CancellationToken cancellation)
    {
        var started = time.GetTimestamp();
        var target = Path.GetFullPath(request.DatabasePath);
        if (!Directory.Exists(Path.GetDirectoryName(target)))
        {
            throw new NebulaGCException(ErrorIds.RestoreTargetNotFound, $"directory of database '{target}' does not exist", target);
        }
        var users = InUseBy(target, request.Service);
        if (users is not null && !request.Force)
        {
            throw new NebulaGCException(ErrorIds.RestoreDatabaseInUse,
                $"database '{target}' is in use by {users}: stop the server first, or pass -Force -Service <unit> to stop it, restore and start it again", target);
        }
        if (users is not null && request.Service is null)
        {
            throw new NebulaGCException(ErrorIds.RestoreDatabaseInUse,
                $"database '{target}' is in use by {users} and no -Service was given for -Force to stop: pass the server's unit with -Service", target);
        }
        if (!reporter.ShouldProcess(target, $"Restore database from {request.Source.Describe()}{(users is null ? "" : $", stopping and starting service '{request.Service}'")}"))
        {
            return null;
        }

        reporter.Progress(Activity, $"restoring from {request.Source.Describe()}", 10);
        var candidate = Prepare(target, request.Source);
        if (candidate is null)
        {
            if (!request.AllowEmptyReplica)
            {
                throw new NebulaGCException(ErrorIds.RestoreReplicaEmpty,
                    $"{request.Source.Describe()} holds no backup yet; nothing was restored and '{target}' is unchanged (pass -AllowEmptyReplica on a first boot)", request.Source.LitestreamConfig);
            }
            reporter.Warning($"{request.Source.Describe()} holds no backup yet: nothing restored, '{target}' unchanged");
            return new RestoreResult(target, request.Source.Describe(), null, null, null, false, null, false, time.GetElapsedTime(started));
        }
        try
        {
            var restarted = false;
            if (users is not null)
            {
                reporter.Progress(Activity, $"stopping '{request.Service}'", 40);
                reporter.Verbose($"stopping service '{request.Service}' ({users})");
                services.Stop(request.Service!);
                WaitUntilUnused(target, TimeSpan.FromSeconds(30), cancellation);
            }
            reporter.Progress(Activity, $"replacing '{target}'", 60);
            var aside = Install(candidate, target);
            if (users is not null)
            {
                reporter.Progress(Activity, $"starting '{request.Service}'", 80);
                services.Start(request.Service!);
                WaitReady(request.ReadyUrl ?? new Uri("http://127.0.0.1:8080"), request.ReadyTimeout ?? TimeSpan.FromSeconds(60), cancellation);
                restarted = true;
            }
            reporter.Progress(Activity, "done", 100);
            return new RestoreResult(target, candidate.Source, candidate.Generation, candidate.Timestamp, aside, true, candidate.Summary, restarted, time.GetElapsedTime(started));
        }
        finally
        {
            File.Delete(candidate.TempPath);
        }
    }

    /// <summary>
    /// Restores the source into a temp file beside <paramref name="target"/> and checks it. Null when a Litestream replica
    /// is empty. Throws (and leaves nothing behind) on a corrupt copy or a newer schema.
    /// </summary>
    public RestoreCandidate? Prepare(string target, RestoreSource source)
    {
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.restore-{Guid.NewGuid():N}");
        try
        {
            string? generation = null;
            if (source.BackupPath is { } backup)
            {
                CopyBackup(Path.GetFullPath(backup), temp);
            }
            else
            {
                var config = Path.GetFullPath(source.LitestreamConfig!);
                if (!File.Exists(config))
                {
                    throw new NebulaGCException(ErrorIds.RestoreSourceNotFound, $"Litestream config '{config}' does not exist", config);
                }
                generation = litestream.Restore(config, target, temp, source.Timestamp, source.ReplicaName);
                if (generation is null)
                {
                    return null;
                }
                reporter.Verbose($"litestream restored generation {generation ?? "(unknown)"} of '{target}' into '{temp}'");
            }
            DatabaseFile.RequireIntact(temp, ErrorIds.RestoreSourceCorrupt);
            var summary = DatabaseFile.Summarize(temp);
            if (summary.SchemaVersion > DatabaseFile.SupportedSchemaVersion)
            {
                throw new NebulaGCException(ErrorIds.RestoreSchemaTooNew,
                    $"{source.Describe()} has schema version {summary.SchemaVersion}, newer than this release's server ({DatabaseFile.SupportedSchemaVersion}): upgrade nebulagc-server and the NebulaGC module first", source.BackupPath ?? source.LitestreamConfig);
            }
            reporter.Verbose($"candidate is intact: schema {summary.SchemaVersion}, epoch {summary.Epoch}, data position {summary.DataPosition}");
            return new RestoreCandidate(temp, source.Describe(), generation, source.Timestamp, summary);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Moves the live database (and its -wal/-shm) aside and renames the candidate into place. Returns the aside path.</summary>
    public string? Install(RestoreCandidate candidate, string target)
    {
        string? aside = null;
        if (File.Exists(target))
        {
            aside = $"{target}.pre-restore-{time.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}";
            // The -wal keeps its pairing: SQLite opens "<aside>-wal" with "<aside>", so nothing committed is lost.
            foreach (var suffix in new[] { "-wal", "-shm", "" })
            {
                if (File.Exists(target + suffix))
                {
                    File.Move(target + suffix, aside + suffix);
                }
            }
            CopyOwnership(aside, candidate.TempPath);
            reporter.Verbose($"moved the previous database aside to '{aside}'");
        }
        File.Move(candidate.TempPath, target);
        using (var stream = new FileStream(target, FileMode.Open, FileAccess.Read))
        {
            stream.Flush(flushToDisk: true);
        }
        return aside;
    }

    private static void CopyBackup(string backup, string temp)
    {
        if (!File.Exists(backup))
        {
            throw new NebulaGCException(ErrorIds.RestoreSourceNotFound, $"backup file '{backup}' does not exist", backup);
        }
        var metadataPath = BackupMetadata.PathFor(backup);
        if (File.Exists(metadataPath))
        {
            BackupMetadata? metadata;
            try
            {
                metadata = JsonSerializer.Deserialize<BackupMetadata>(File.ReadAllText(metadataPath), BackupMetadata.Json);
            }
            catch (JsonException e)
            {
                throw new NebulaGCException(ErrorIds.RestoreSourceCorrupt, $"backup metadata '{metadataPath}' is not valid JSON: {e.Message}", metadataPath, e);
            }
            var (sha, _) = DatabaseBackup.Hash(backup);
            if (metadata is null || !string.Equals(metadata.Sha256, sha, StringComparison.OrdinalIgnoreCase))
            {
                throw new NebulaGCException(ErrorIds.RestoreSourceCorrupt, $"backup '{backup}' does not match the SHA-256 in '{metadataPath}' (the file changed after the backup)", backup);
            }
        }
        File.Copy(backup, temp);
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The restored file gets the previous file's owner, so the server's (non-root) user can open it.</summary>
    private void CopyOwnership(string reference, string path)
    {
        var info = new ProcessStartInfo("chown") { RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add($"--reference={reference}");
        info.ArgumentList.Add(path);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            reporter.Warning($"could not give '{path}' the owner of '{reference}': {error.Trim()}");
        }
        File.SetUnixFileMode(path, File.GetUnixFileMode(reference));
    }

    private string? InUseBy(string target, string? service)
    {
        var pids = DatabaseUsers.Find(target);
        if (pids.Count > 0)
        {
            return $"process {string.Join(", ", pids)}";
        }
        return service is not null && services.IsActive(service) ? $"service '{service}' (active)" : null;
    }

    private void WaitUntilUnused(string target, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (DatabaseUsers.Find(target).Count > 0)
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new NebulaGCException(ErrorIds.RestoreDatabaseInUse, $"database '{target}' is still open {timeout.TotalSeconds:0} s after stopping the service; nothing was replaced", target);
            }
            cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50));
            cancellation.ThrowIfCancellationRequested();
        }
    }

    private void WaitReady(Uri url, TimeSpan timeout, CancellationToken cancellation)
    {
        reporter.Verbose($"waiting for {url}v1/readyz");
        using var client = new InstanceClient(url, null, TimeSpan.FromSeconds(2));
        var deadline = time.GetUtcNow() + timeout;
        string? last = null;
        while (time.GetUtcNow() < deadline)
        {
            try
            {
                last = client.ReadinessProblemAsync(cancellation).GetAwaiter().GetResult();
                if (last is null)
                {
                    return;
                }
            }
            catch (Exception e) when (InstanceInspector.IsUnreachable(e, cancellation))
            {
                last = InstanceInspector.Describe(e);
            }
            cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50));
            cancellation.ThrowIfCancellationRequested();
        }
        throw new NebulaGCException(ErrorIds.ServerNotReady, $"the server did not become ready at {url} within {timeout.TotalSeconds:0} s after the restore (last: {last}); the restored database is in place, the previous one kept aside", url);
    }
}
