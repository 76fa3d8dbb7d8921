namespace NebulaGC.PowerShell.Backup;

/// <summary>Which processes have a database (or its -wal/-shm) open, from <c>/proc/*/fd</c>.</summary>
public static class DatabaseUsers
{
    /// <summary>
    /// Process ids with the database open, this process excepted. A non-root caller sees only its own user's
    /// processes; restore then also asks the service manager (<c>-Service</c>).
    /// </summary>
    public static IReadOnlyList<int> Find(string databasePath)
    {
        var targets = new HashSet<string>(StringComparer.Ordinal) { databasePath, databasePath + "-wal", databasePath + "-shm" };
        var self = Environment.ProcessId;
        var users = new List<int>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid) || pid == self)
            {
                continue;
            }
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(proc, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && targets.Contains(target))
                    {
                        users.Add(pid);
                        break;
                    }
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                // Another user's process, or one that just exited.
            }
        }
        return users;
    }
}
