using System.Net.Sockets;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Hosting;

/// <summary>
/// The admin socket file. Kestrel creates the socket under the process umask and it can only be chmod-ed afterwards, so
/// the socket lives in a 0700 directory made private before the bind: no other user can reach it at any moment.
/// </summary>
public static class AdminSocket
{
    public static void Prepare(string path, Action<string> warn)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (Directory.Exists(directory) && (File.GetUnixFileMode(directory) & UnixFileMode.StickyBit) != 0)
        {
            throw new ConfigurationError($"admin socket '{path}' would be in the shared directory '{directory}', where other users could reach it while it starts; give it a directory of its own (e.g. {Configuration.ServerOptions.DefaultAdminSocket})");
        }
        PrivateFiles.CreateDirectory(directory);
        // A directory this user cannot chmod (e.g. a volume owned by root) gets a warning from RestrictDirectory; `serve`'s
        // umask 077 still creates the socket owner-only.
        PrivateFiles.RestrictDirectory(directory, "admin socket", warn);
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

    public static void Restrict(string path) => File.SetUnixFileMode(path, PrivateFiles.FileMode);

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
