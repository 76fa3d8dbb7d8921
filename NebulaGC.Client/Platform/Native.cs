using System.Runtime.InteropServices;

namespace NebulaGC.Client.Platform;

/// <summary>The few libc calls .NET does not expose: directory fsync, rename over a symlink, signals, the umask.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static partial class Native
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int SIGHUP = 1;
    private const int O_RDONLY = 0;
    private const int O_DIRECTORY = 0x10000;
    private const int O_CLOEXEC = 0x80000;
    private const int ESRCH = 3;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameNative(string from, string to);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint UmaskNative(uint mask);

    /// <summary>umask(2): sets the process file-creation mask and returns the previous one.</summary>
    public static UnixFileMode SetUmask(UnixFileMode mask) => (UnixFileMode)UmaskNative((uint)mask);

    public static void FsyncDirectory(string directory)
    {
        int fd = Open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
        {
            throw new IOException($"opening directory '{directory}' for fsync failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed: {Marshal.GetLastPInvokeErrorMessage()}");
            }
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>rename(2): atomically replaces <paramref name="to"/>, also when it is a symlink to a directory.</summary>
    public static void Rename(string from, string to)
    {
        if (RenameNative(from, to) != 0)
        {
            throw new IOException($"renaming '{from}' to '{to}' failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    /// <summary>Sends <paramref name="signal"/>; false when the process no longer exists.</summary>
    public static bool Kill(int pid, int signal)
    {
        if (KillNative(pid, signal) == 0)
        {
            return true;
        }
        int error = Marshal.GetLastPInvokeError();
        if (error == ESRCH)
        {
            return false;
        }
        throw new IOException($"sending signal {signal} to process {pid} failed: {Marshal.GetPInvokeErrorMessage(error)}");
    }
}
