using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Tests;

/// <summary>Real Litestream 0.3.13 with a replica on s3rver or in a directory, and configs rendered by the module.</summary>
public sealed class LitestreamFixture : IDisposable
{
    private readonly TempDirectory _dir;
    private readonly List<BackgroundProcess> _processes = [];
    private ReplicaSettings? _replica;

    public LitestreamFixture(TempDirectory dir, string replicaKind)
    {
        _dir = dir;
        ReplicaKind = replicaKind;
    }

    public string ReplicaKind { get; }

    /// <summary>Credentials only through the environment, as the rendered litestream.env provides them.</summary>
    public Dictionary<string, string?> Environment { get; } = new() { ["LITESTREAM_ACCESS_KEY_ID"] = "S3RVER", ["LITESTREAM_SECRET_ACCESS_KEY"] = "S3RVER" };

    /// <summary>Starts the replica's storage (s3rver) once; a file replica needs none.</summary>
    public LitestreamFixture StartStorage()
    {
        if (ReplicaKind == "s3")
        {
            var port = FreePort.Tcp();
            var dir = Directory.CreateDirectory(_dir.Combine("s3rver")).FullName;
            var s3 = Own(new BackgroundProcess("node", [Path.Combine(Toolkit.NpmModules, "s3rver", "bin", "s3rver.js"), "-d", dir, "-a", "127.0.0.1", "-p", port.ToString(), "--configure-bucket", "litestream", "--silent"], workingDirectory: _dir.Path));
            s3.WaitForPort(port, TimeSpan.FromSeconds(60));
            _replica = new ReplicaSettings { Type = ReplicaType.S3, Bucket = "litestream", Path = "nebulagc", Endpoint = $"http://127.0.0.1:{port}", Region = "us-east-1", ForcePathStyle = true };
        }
        else
        {
            _replica = new ReplicaSettings { Type = ReplicaType.File, Path = _dir.Combine("file-replica") };
        }
        return this;
    }

    /// <summary>Renders a litestream.yml for <paramref name="databasePath"/> (each host names its own path; all share the replica).</summary>
    public string Config(string databasePath, string name)
    {
        var settings = new DeploymentSettings { LitestreamMetricsAddr = "", SyncInterval = "1s", Replicas = [_replica!] };
        var files = Toolkit.WriteTo(_dir.Combine("litestream-" + name), LitestreamRenderer.Render(Toolkit.Context(settings), databasePath));
        return files.Single(f => f.Kind == "LitestreamConfig").Path;
    }

    public BackgroundProcess Replicate(string config) =>
        Own(new BackgroundProcess(Toolkit.LitestreamBinary, ["replicate", "-config", config], Environment, _dir.Path));

    public Backup.LitestreamCli Cli => new(Toolkit.LitestreamBinary, Environment);

    public void Dispose()
    {
        foreach (var p in Enumerable.Reverse(_processes))
        {
            p.Dispose();
        }
    }

    private BackgroundProcess Own(BackgroundProcess p)
    {
        _processes.Add(p);
        return p;
    }
}
