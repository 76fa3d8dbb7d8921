namespace NebulaGC.Server.Hosting;

/// <summary>
/// The database (with its <c>-wal</c> and <c>-shm</c>), the HMAC secret file and the admin socket hold secrets: they are
/// 0600 inside a 0700 directory. New ones are created that way; existing ones are checked at start-up and tightened with
/// a warning, because a world-readable database hands every uploaded <c>host.key</c> to any local user.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>What the server process masks from every file it creates (umask 077).</summary>
    public const UnixFileMode GroupAndOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="directory"/> (and missing parents) as 0700; an existing one is left as it is.</summary>
    public static void CreateDirectory(string directory) => Directory.CreateDirectory(directory, DirectoryMode);

    /// <summary>Creates an empty 0600 file unless it exists. SQLite gives <c>-wal</c> and <c>-shm</c> the database file's mode.</summary>
    public static void CreateFile(string path)
    {
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Already there (or created by a racing process): the start-up check covers its mode.
        }
    }

    /// <summary>
    /// Tightens an existing directory to 0700 and reports what it did. A shared directory (sticky bit, such as /tmp) is
    /// not changed: <paramref name="warn"/> says to move the file instead.
    /// </summary>
    public static void RestrictDirectory(string directory, string what, Action<string> warn)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }
        var mode = File.GetUnixFileMode(directory);
        if ((mode & GroupAndOther) == 0)
        {
            return;
        }
        if ((mode & UnixFileMode.StickyBit) != 0)
        {
            warn($"{what} directory '{directory}' is shared (mode {Octal(mode)}); keep it in a directory of its own with mode 0700");
            return;
        }
        Restrict(directory, DirectoryMode, mode, what + " directory", warn);
    }

    /// <summary>Tightens an existing file to 0600 and reports what it did; a missing file is fine.</summary>
    public static void RestrictFile(string path, string what, Action<string> warn)
    {
        if (!File.Exists(path))
        {
            return;
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupAndOther) != 0)
        {
            Restrict(path, FileMode, mode, what, warn);
        }
    }

    private static void Restrict(string path, UnixFileMode wanted, UnixFileMode found, string what, Action<string> warn)
    {
        try
        {
            File.SetUnixFileMode(path, wanted);
            warn($"{what} '{path}' had mode {Octal(found)}; changed it to {Octal(wanted)}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warn($"{what} '{path}' has mode {Octal(found)} and could not be changed to {Octal(wanted)} ({ex.Message}); restrict it by hand");
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8);
}
