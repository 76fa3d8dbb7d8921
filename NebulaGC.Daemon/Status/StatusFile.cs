using System.Text.Json;
using NebulaGC.Daemon.Apply;

namespace NebulaGC.Daemon.Status;

/// <summary><c>state_dir/status.json</c>: written atomically by the daemon, read by <c>nebulagc status</c>. Holds no secrets.</summary>
public static class StatusFile
{
    public static void Write(string path, DaemonStatus status) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(status, StatusJsonContext.Default.DaemonStatus), BundleArchive.PublicFileMode);

    public static DaemonStatus Read(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), StatusJsonContext.Default.DaemonStatus)
        ?? throw new JsonException($"status file '{path}' holds null");

    public static string Serialize(DaemonStatus status) => JsonSerializer.Serialize(status, StatusJsonContext.Default.DaemonStatus);
}
