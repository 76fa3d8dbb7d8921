using System.Net.Sockets;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Hosting;

/// <summary>The admin socket file: its directory is private before Kestrel binds, and the socket is 0600 once it exists.</summary>
public static class AdminSocket
{
    public static void Prepare(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (File.Exists(path))
        {
            if (IsServing(path))
            {
                throw new AdminSocketInUse(path);
            }
            // Left behind by an unclean stop: safe to replace.
            File.Delete(path);
        }
    }

    public static void Restrict(string path) => File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

    public static bool IsServing(string path)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
