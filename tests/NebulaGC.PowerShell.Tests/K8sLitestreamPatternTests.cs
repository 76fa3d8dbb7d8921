using System.Security.Cryptography;
using k8s;
using k8s.Models;
using Microsoft.Data.Sqlite;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Tests;

/// <summary>
/// The Kubernetes Litestream pattern, with the real litestream 0.3.13 running the exact init-container and sidecar
/// arguments and litestream.yml that kubectl kustomize builds (data directory and replica moved into a temp dir):
/// first boot on an empty replica, restore of a lost volume, and a restart that must not touch an existing database.
/// The database is a test-made WAL SQLite file with a NebulaGC-shaped table (the server's migrations land later).
/// </summary>
public sealed class K8sLitestreamPatternTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Init_container_restores_only_when_needed_and_the_sidecar_replicates_with_the_rendered_config()
    {
        var data = Directory.CreateDirectory(_dir.Combine("var-lib-nebulagc")).FullName;
        var settings = new DeploymentSettings
        {
            DataDir = data,
            LitestreamMetricsAddr = "",
            Replicas = [new ReplicaSettings { Type = ReplicaType.File, Path = _dir.Combine("replica") }],
        };
        var kdir = _dir.Combine("k8s");
        Toolkit.WriteTo(kdir, K8sRenderer.Render(Toolkit.Context(settings), Topology.Litestream));
        var built = ProcessRunner.Run("kubectl", ["kustomize", kdir]);
        Assert.Equal(0, built.ExitCode);
        var objects = KubernetesYaml.LoadAllFromString(built.Stdout, null, strict: true);
        var pod = objects.OfType<V1StatefulSet>().Single().Spec.Template.Spec;
        var config = _dir.Combine("etc-litestream", "litestream.yml");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        File.WriteAllText(config, objects.OfType<V1ConfigMap>().Single(c => c.Data.ContainsKey("litestream.yml")).Data["litestream.yml"]);
        string[] Args(V1Container c) => c.Args.Select(a => a == "/etc/litestream/litestream.yml" ? config : a).ToArray();
        var init = Args(pod.InitContainers.Single(c => c.Name == "litestream-restore"));
        var sidecar = Args(pod.Containers.Single(c => c.Name == "litestream"));
        var db = Path.Combine(data, "nebulagc.db");
        Assert.Equal(db, init[^1]);

        // 1. First boot: empty replica, no database -> the init container succeeds and creates nothing.
        var first = ProcessRunner.Run(Toolkit.LitestreamBinary, init);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.False(File.Exists(db));

        // 2. The server creates its database; the sidecar replicates it.
        CreateDatabase(db, 2500);
        using (var replicate = new BackgroundProcess(Toolkit.LitestreamBinary, sidecar))
        {
            var probe = _dir.Combine("probe.db");
            ProcessResult? lastRestore = null;
            Wait.Until(() =>
            {
                File.Delete(probe);
                lastRestore = ProcessRunner.Run(Toolkit.LitestreamBinary, ["restore", "-config", config, "-o", probe, db]);
                return lastRestore.ExitCode == 0 && Count(probe) == 2500;
            }, TimeSpan.FromSeconds(60), () => $"the sidecar did not replicate:\n{lastRestore}\n{replicate.Output}");
        }

        // 3. The volume is lost: the init container restores the database from the replica.
        foreach (var f in Directory.GetFiles(data, "nebulagc.db*"))
        {
            File.Delete(f);
        }
        var restore = ProcessRunner.Run(Toolkit.LitestreamBinary, init);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(2500, Count(db));
        Assert.Equal("ok", Scalar(db, "PRAGMA integrity_check"));

        // 4. A restart with the database present: the init container leaves it alone.
        var before = SHA256.HashData(File.ReadAllBytes(db));
        var again = ProcessRunner.Run(Toolkit.LitestreamBinary, init);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(db)));
    }

    private static void CreateDatabase(string path, int rows)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE nodes (node_id TEXT PRIMARY KEY, name TEXT NOT NULL, overlay_ip TEXT NOT NULL);";
        cmd.ExecuteNonQuery();
        using var tx = c.BeginTransaction();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO nodes VALUES ($id, $name, $ip)";
        var id = cmd.Parameters.Add("$id", SqliteType.Text);
        var name = cmd.Parameters.Add("$name", SqliteType.Text);
        var ip = cmd.Parameters.Add("$ip", SqliteType.Text);
        for (var i = 0; i < rows; i++)
        {
            id.Value = Guid.NewGuid().ToString();
            name.Value = $"node-{i}";
            ip.Value = $"10.42.{i / 250}.{i % 250 + 1}";
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static long Count(string path) => (long)Scalar(path, "SELECT count(*) FROM nodes")!;

    private static object? Scalar(string path, string sql)
    {
        using var c = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
