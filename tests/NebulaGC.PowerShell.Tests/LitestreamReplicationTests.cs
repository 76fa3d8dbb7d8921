using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using NebulaGC.PowerShell.Rendering;
using Xunit.Abstractions;

namespace NebulaGC.PowerShell.Tests;

/// <summary>
/// The real Litestream 0.3.13 binary replicates a live database with the rendered litestream.yml to s3rver,
/// azurite and a file replica, and litestream restore brings every replica back intact.
/// The database is made by the test (WAL mode, a NebulaGC-shaped schema and rows): the server's own
/// migrations land later; what matters here is that the rendered config replicates a live WAL database.
/// </summary>
public sealed class LitestreamReplicationTests(ITestOutputHelper output) : IDisposable
{
    private const string AzuriteAccount = "devstoreaccount1";

    // The Azure Storage emulator's documented, public development key (not a secret).
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly string[] Tables = ["tenants", "clusters", "nodes", "config_versions"];

    private readonly TempDirectory _dir = new();
    private readonly List<IDisposable> _processes = [];

    public void Dispose()
    {
        foreach (var p in Enumerable.Reverse(_processes))
        {
            p.Dispose();
        }
        _dir.Dispose();
    }

    [Fact]
    public void Litestream_0_3_replicates_a_live_test_made_WAL_database_to_s3rver_azurite_and_a_file_replica_and_restores_each_intact()
    {
        var s3Port = FreePort.Tcp();
        var s3Dir = Directory.CreateDirectory(_dir.Combine("s3rver")).FullName;
        var s3 = Start("node", [Path.Combine(Toolkit.NpmModules, "s3rver", "bin", "s3rver.js"), "-d", s3Dir, "-a", "127.0.0.1", "-p", s3Port.ToString(), "--configure-bucket", "litestream", "--silent"]);
        var azPort = FreePort.Tcp();
        var azDir = Directory.CreateDirectory(_dir.Combine("azurite")).FullName;
        var azurite = Start("node", [Path.Combine(Toolkit.NpmModules, "azurite", "dist", "src", "blob", "main.js"), "--blobHost", "127.0.0.1", "--blobPort", azPort.ToString(),
            "--location", azDir, "--disableTelemetry", "--skipApiVersionCheck", "--loose", "--silent"]);
        s3.WaitForPort(s3Port, TimeSpan.FromSeconds(60));
        azurite.WaitForPort(azPort, TimeSpan.FromSeconds(60));
        CreateAzureContainer(azPort, "litestream");

        var db = _dir.Combine("data", "nebulagc.db");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        using var connection = CreateLiveDatabase(db);

        var settings = new DeploymentSettings
        {
            LitestreamMetricsAddr = "",
            SyncInterval = "1s",
            Replicas =
            [
                new() { Type = ReplicaType.S3, Bucket = "litestream", Path = "nebulagc", Endpoint = $"http://127.0.0.1:{s3Port}", Region = "us-east-1", ForcePathStyle = true },
                new() { Type = ReplicaType.ABS, AccountName = AzuriteAccount, Bucket = "litestream", Path = "nebulagc", Endpoint = $"http://127.0.0.1:{azPort}/{AzuriteAccount}" },
                new() { Type = ReplicaType.File, Path = _dir.Combine("file-replica") },
            ],
        };
        var files = Toolkit.WriteTo(_dir.Combine("config"), LitestreamRenderer.Render(Toolkit.Context(settings), db));
        var config = files.Single(f => f.Kind == "LitestreamConfig").Path;
        output.WriteLine(File.ReadAllText(config));
        Assert.DoesNotContain("S3RVER", File.ReadAllText(config));
        Assert.DoesNotContain(AzuriteKey, File.ReadAllText(config));

        // Credentials only through the environment, as the rendered litestream.env / Secret provides them.
        var env = new Dictionary<string, string?>
        {
            ["LITESTREAM_ACCESS_KEY_ID"] = "S3RVER",
            ["LITESTREAM_SECRET_ACCESS_KEY"] = "S3RVER",
            ["LITESTREAM_AZURE_ACCOUNT_KEY"] = AzuriteKey,
        };
        var litestream = Start(Toolkit.LitestreamBinary, ["replicate", "-config", config], env);

        // Keep writing while Litestream replicates: the database is live.
        for (var batch = 0; batch < 20; batch++)
        {
            InsertNodes(connection, batch, 200);
        }
        var expected = Counts(connection);
        Assert.Equal(4000 + 1000, expected["nodes"]);

        foreach (var replica in new[] { "s3", "abs", "file" })
        {
            var restored = _dir.Combine("restored", replica + ".db");
            Directory.CreateDirectory(Path.GetDirectoryName(restored)!);
            Dictionary<string, long>? counts = null;
            ProcessResult? result = null;
            // Replication is asynchronous (sync-interval 1 s): restore until the replica holds every row.
            Wait.Until(() =>
            {
                foreach (var f in Directory.GetFiles(Path.GetDirectoryName(restored)!, replica + ".db*"))
                {
                    File.Delete(f);
                }
                result = ProcessRunner.Run(Toolkit.LitestreamBinary, ["restore", "-config", config, "-replica", replica, "-o", restored, db], environment: env);
                if (result.ExitCode != 0)
                {
                    return false;
                }
                using var restoredConnection = Open(restored);
                counts = Counts(restoredConnection);
                return counts.SequenceEqual(expected);
            }, TimeSpan.FromSeconds(60),
                () => $"replica {replica} did not restore all rows (expected {string.Join(", ", expected)}).\nlast restore: {result}\nlitestream log:\n{litestream.Output}");
            output.WriteLine($"{replica}: restore {result}; counts {string.Join(", ", counts!.Select(kv => $"{kv.Key}={kv.Value}"))}");
            using (var restoredConnection = Open(restored))
            {
                Assert.Equal("ok", Scalar(restoredConnection, "PRAGMA integrity_check"));
            }
        }
        Assert.False(litestream.HasExited, "litestream replicate stopped by itself:\n" + litestream.Output);
    }

    private BackgroundProcess Start(string file, string[] args, IDictionary<string, string?>? env = null)
    {
        var p = new BackgroundProcess(file, args, env, _dir.Path);
        _processes.Add(p);
        return p;
    }

    private static SqliteConnection Open(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    private static SqliteConnection CreateLiveDatabase(string path)
    {
        var c = Open(path);
        Exec(c, """
            PRAGMA journal_mode = WAL;
            PRAGMA foreign_keys = ON;
            PRAGMA busy_timeout = 5000;
            CREATE TABLE tenants (tenant_id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
            CREATE TABLE clusters (cluster_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(tenant_id), name TEXT NOT NULL,
                overlay_cidr TEXT NOT NULL, config_version INTEGER NOT NULL, created_at TEXT NOT NULL);
            CREATE TABLE nodes (node_id TEXT PRIMARY KEY, cluster_id TEXT NOT NULL REFERENCES clusters(cluster_id), name TEXT NOT NULL,
                overlay_ip TEXT NOT NULL, token_hmac BLOB NOT NULL, mtu INTEGER NOT NULL DEFAULT 1300, created_at TEXT NOT NULL);
            CREATE TABLE config_versions (cluster_id TEXT NOT NULL REFERENCES clusters(cluster_id), version INTEGER NOT NULL, PRIMARY KEY (cluster_id, version));
            INSERT INTO tenants VALUES ('t1', 'acme', '2026-01-01T00:00:00Z');
            INSERT INTO clusters VALUES ('c1', 't1', 'prod', '10.42.0.0/16', 1, '2026-01-01T00:00:00Z');
            """);
        Assert.Equal("wal", Scalar(c, "PRAGMA journal_mode"));
        InsertNodes(c, -1, 1000);
        return c;
    }

    private static void InsertNodes(SqliteConnection c, int batch, int count)
    {
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO nodes (node_id, cluster_id, name, overlay_ip, token_hmac, created_at) VALUES ($id, 'c1', $name, $ip, $hmac, '2026-01-01T00:00:00Z')";
        var id = cmd.Parameters.Add("$id", SqliteType.Text);
        var name = cmd.Parameters.Add("$name", SqliteType.Text);
        var ip = cmd.Parameters.Add("$ip", SqliteType.Text);
        var hmac = cmd.Parameters.Add("$hmac", SqliteType.Blob);
        for (var i = 0; i < count; i++)
        {
            var n = (batch + 1) * 100_000 + i;
            id.Value = Guid.NewGuid().ToString();
            name.Value = $"node-{n}";
            ip.Value = $"10.42.{n / 250 % 250}.{n % 250 + 1}";
            hmac.Value = RandomNumberGenerator.GetBytes(32);
            cmd.ExecuteNonQuery();
        }
        using var bump = c.CreateCommand();
        bump.Transaction = tx;
        bump.CommandText = "UPDATE clusters SET config_version = config_version + 1 WHERE cluster_id = 'c1'; INSERT INTO config_versions SELECT cluster_id, config_version FROM clusters WHERE cluster_id = 'c1';";
        bump.ExecuteNonQuery();
        tx.Commit();
    }

    private static Dictionary<string, long> Counts(SqliteConnection c) =>
        Tables.ToDictionary(t => t, t => (long)Scalar(c, $"SELECT count(*) FROM {t}")!);

    private static object? Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Litestream does not create the Azure container: create it with a Shared Key signed request.</summary>
    private static void CreateAzureContainer(int port, string container)
    {
        using var http = new HttpClient();
        var date = DateTime.UtcNow.ToString("R");
        const string version = "2021-08-06";
        var resource = $"/{AzuriteAccount}/{AzuriteAccount}/{container}\nrestype:container";
        var stringToSign = "PUT\n" + new string('\n', 11) + $"x-ms-date:{date}\nx-ms-version:{version}\n" + resource;
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(AzuriteKey), Encoding.UTF8.GetBytes(stringToSign)));
        using var request = new HttpRequestMessage(HttpMethod.Put, $"http://127.0.0.1:{port}/{AzuriteAccount}/{container}?restype=container");
        request.Headers.Add("x-ms-date", date);
        request.Headers.Add("x-ms-version", version);
        request.Headers.Authorization = new AuthenticationHeaderValue("SharedKey", $"{AzuriteAccount}:{signature}");
        using var response = http.Send(request);
        Assert.True(response.IsSuccessStatusCode, $"creating azurite container: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().Result}");
    }
}
