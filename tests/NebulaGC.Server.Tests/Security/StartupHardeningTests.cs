using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Tests.Security;

/// <summary>Regression tests for the start-up findings of issue 15: file modes, the admin socket, instance ids, the master URL, idle connections.</summary>
public sealed class StartupHardeningTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Dictionary<string, string?> Env() => new() { ["NEBULAGC_HMAC_SECRET"] = TestServer.Secret, ["NEBULAGC_LOG_FORMAT"] = "console" };

    [Fact]
    public async Task A_new_database_and_its_wal_files_are_0600_in_a_0700_directory_whatever_the_umask()
    {
        var db = Path.Combine(_dir.Path, "data", "nebulagc.db");
        await using var server = await TestServer.StartAsync(db);
        server.Bootstrap();
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(Path.GetDirectoryName(db)!));
        foreach (var file in new[] { db, db + "-wal", db + "-shm" })
        {
            Assert.True(File.Exists(file), $"{file} should exist while the server runs");
            Assert.Equal(Private, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task Start_up_tightens_a_world_readable_database_directory_and_secret_file_and_says_so()
    {
        var db = _dir.Combine("nebulagc.db");
        await using (var first = await TestServer.StartAsync(db))
        {
            first.Bootstrap();
        }
        var secretFile = _dir.Combine("hmac.secret");
        File.WriteAllText(secretFile, TestServer.Secret);
        var readable = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(db, readable);
        File.SetUnixFileMode(secretFile, readable);
        File.SetUnixFileMode(_dir.Path, PrivateDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        await using var server = await TestServer.StartAsync(db, configure: o => o with { HmacSecretFile = secretFile });
        Assert.Equal(Private, File.GetUnixFileMode(db));
        Assert.Equal(Private, File.GetUnixFileMode(secretFile));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(_dir.Path));
        Assert.Contains($"database file '{db}' had mode 0644; changed it to 0600", server.Logs);
        Assert.Contains($"HMAC secret file '{secretFile}' had mode 0644; changed it to 0600", server.Logs);
    }

    [Fact]
    public async Task The_admin_socket_directory_is_private_before_the_socket_is_bound()
    {
        var socketDirectory = Directory.CreateDirectory(_dir.Combine("run")).FullName;
        File.SetUnixFileMode(socketDirectory, (UnixFileMode)0b111_111_111);
        var socket = Path.Combine(socketDirectory, "admin.sock");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new ServerOptions { Listen = "127.0.0.1:0", DbPath = _dir.Combine("nebulagc.db"), Role = ServerRole.Master, InstanceId = "t", AdminSocket = socket };
        await using var app = NebulaGC.Server.Hosting.ServerHost.Build(options, NebulaGC.Server.Security.HmacSecret.FromString(TestServer.Secret), Serilog.Core.Logger.None, time);

        // Nothing is bound yet: whatever mode Kestrel gives the socket, no other user can traverse to it.
        Assert.False(File.Exists(socket));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(socketDirectory));
        await app.StartAsync();
        Assert.Equal(Private, File.GetUnixFileMode(socket));
        await app.StopAsync();
    }

    [Fact]
    public void An_admin_socket_in_a_shared_sticky_directory_is_refused()
    {
        var shared = Directory.CreateDirectory(_dir.Combine("tmp")).FullName;
        File.SetUnixFileMode(shared, (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit);
        var error = Assert.Throws<ConfigurationError>(() => NebulaGC.Server.Hosting.AdminSocket.Prepare(Path.Combine(shared, "admin.sock"), _ => { }));
        Assert.Contains("directory of its own", error.Message);
    }

    [Fact]
    public async Task Serve_runs_with_umask_077_and_instances_sharing_a_database_file_get_distinct_default_ids()
    {
        var db = _dir.Combine("nebulagc.db");
        var masterPort = FreePort.Tcp();
        using var master = await ServerProcess.StartServeAsync(
            ["serve", "--master", "--db", db, "--listen", $"127.0.0.1:{masterPort}", "--admin-socket", ""], Env(), $"http://127.0.0.1:{masterPort}");
        var replicaPort = FreePort.Tcp();
        using var replica = await ServerProcess.StartServeAsync(
            ["serve", "--replicate", "--db", db, "--listen", $"127.0.0.1:{replicaPort}", "--admin-socket", ""], Env(), $"http://127.0.0.1:{replicaPort}");
        Assert.Contains("Umask:\t0077", File.ReadAllText($"/proc/{master.Process.Id}/status"));
        var masterId = await InstanceIdAsync(masterPort);
        var replicaId = await InstanceIdAsync(replicaPort);
        Assert.NotEqual(masterId, replicaId);
        Assert.StartsWith(Environment.MachineName, masterId, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("instance-id")));
    }

    [Fact]
    public void The_default_instance_id_is_stable_per_host_and_listen_address()
    {
        var id = InstanceIdentity.Derive("cp1", "machine-a", "0.0.0.0:8080");
        Assert.Equal(id, InstanceIdentity.Derive("cp1", "machine-a", "0.0.0.0:8080"));
        Assert.NotEqual(id, InstanceIdentity.Derive("cp1", "machine-a", "0.0.0.0:8081"));
        Assert.NotEqual(id, InstanceIdentity.Derive("cp1", "machine-b", "0.0.0.0:8080"));
        Assert.Matches(@"^cp1-[0-9a-f]{8}\z", id);
    }

    [Fact]
    public async Task A_replica_names_the_master_the_database_names_now_not_the_one_it_read_at_start()
    {
        var db = _dir.Combine("nebulagc.db");
        // The old deployment's master is gone: nothing listens at its URL any more.
        await using (var oldDeployment = await TestServer.StartAsync(db, instanceId: "old-master", publicUrl: $"http://127.0.0.1:{FreePort.Tcp()}"))
        {
            oldDeployment.Bootstrap();
        }
        // A restored copy still names the old deployment's master; the new replica starts before the new master, which
        // starts once the old master's registry entry is stale (so it claims the database).
        await using var replica = await TestServer.StartAsync(db, ServerRole.Replica, instanceId: "new-replica");
        await using var newMaster = await TestServer.StartAsync(db, instanceId: "new-master", publicUrl: "https://new.example:8080",
            time: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(10)));
        Assert.True(newMaster.Service<RoleState>().IsMaster);

        using var response = await replica.PostJsonAsync("/v1/routes", null, """{"routes":[]}""");
        await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, ErrorCodes.ReplicaReadOnly);
        Assert.Equal("https://new.example:8080", response.Headers.GetValues(NebulaHeaders.MasterUrl).Single());
    }

    [Fact]
    public void The_default_idle_connection_timeout_is_short()
    {
        var options = new ServerOptions { Listen = "x", DbPath = "x", Role = ServerRole.Master, InstanceId = "x" };
        Assert.True(options.IdleConnectionTimeout <= TimeSpan.FromSeconds(15), "an idle connection must not hold a slot for 90 s");
        Assert.True(options.RequestHeadersTimeout <= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_closed_after_the_idle_timeout()
    {
        await using var server = await TestServer.StartAsync(_dir.Combine("nebulagc.db"), configure: o => o with { IdleConnectionTimeout = TimeSpan.FromSeconds(1) });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port);
        var clock = Stopwatch.StartNew();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var read = await client.GetStream().ReadAsync(new byte[1], cancel.Token);
        Assert.Equal(0, read);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Connections_over_the_per_address_cap_are_closed_at_once_and_the_others_keep_working()
    {
        await using var server = await TestServer.StartAsync(_dir.Combine("nebulagc.db"), configure: o => o with { MaxConnectionsPerIp = 2 });
        using var first = new TcpClient();
        using var second = new TcpClient();
        using var third = new TcpClient();
        await first.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port);
        await second.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port);
        await third.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.Equal(0, await ReadOrClosedAsync(third, cancel.Token));

        await first.GetStream().WriteAsync("GET /v1/healthz HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), cancel.Token);
        var buffer = new byte[64];
        var read = await first.GetStream().ReadAsync(buffer, cancel.Token);
        Assert.StartsWith("HTTP/1.1 200", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
    }

    private static async Task<int> ReadOrClosedAsync(TcpClient client, CancellationToken cancellation)
    {
        try
        {
            return await client.GetStream().ReadAsync(new byte[1], cancellation);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static async Task<string> InstanceIdAsync(int port)
    {
        using var client = new HttpClient();
        return JsonDocument.Parse(await client.GetStringAsync($"http://127.0.0.1:{port}/v1/check-master")).RootElement.GetProperty("instance_id").GetString()!;
    }
}
