using System.Text.Json;

namespace NebulaGC.Server.Tests.Ha;

/// <summary>HA behaviour of the real executable: crash recovery and the LiteFS role.</summary>
public sealed class HaProcessTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Dictionary<string, string?> Env() => new() { ["NEBULAGC_HMAC_SECRET"] = TestServer.Secret, ["NEBULAGC_LOG_FORMAT"] = "console" };

    private static async Task<JsonElement> CheckMasterAsync(string baseUrl)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return JsonDocument.Parse(await client.GetStringAsync($"{baseUrl}/v1/check-master")).RootElement;
    }

    [Fact]
    public async Task A_master_killed_with_sigkill_restarts_with_the_same_instance_id_and_serves()
    {
        var db = _dir.Combine("nebulagc.db");
        var port = FreePort.Tcp();
        var url = $"http://127.0.0.1:{port}";
        string[] args = ["serve", "--master", "--db", db, "--listen", $"127.0.0.1:{port}", "--instance-id", "cp-crash", "--admin-socket", _dir.Combine("admin.sock")];
        using var first = await ServerProcess.StartServeAsync(args, Env(), url);
        Assert.Equal(1, (await CheckMasterAsync(url)).GetProperty("epoch").GetInt64());
        first.Kill();

        using var second = await ServerProcess.StartServeAsync(args, Env(), url);
        try
        {
            var state = await CheckMasterAsync(url);
            Assert.True(state.GetProperty("master").GetBoolean());
            Assert.Equal("cp-crash", state.GetProperty("instance_id").GetString());
            Assert.Equal(1, state.GetProperty("epoch").GetInt64());
        }
        finally
        {
            second.Kill();
        }
    }

    [Fact]
    public async Task An_instance_id_generated_once_is_kept_across_restarts()
    {
        var db = _dir.Combine("nebulagc.db");
        var port = FreePort.Tcp();
        var url = $"http://127.0.0.1:{port}";
        string[] args = ["serve", "--master", "--db", db, "--listen", $"127.0.0.1:{port}", "--admin-socket", ""];
        string firstId;
        using (var first = await ServerProcess.StartServeAsync(args, Env(), url))
        {
            firstId = (await CheckMasterAsync(url)).GetProperty("instance_id").GetString()!;
            first.Kill();
        }
        using var second = await ServerProcess.StartServeAsync(args, Env(), url);
        try
        {
            Assert.Equal(firstId, (await CheckMasterAsync(url)).GetProperty("instance_id").GetString());
            Assert.Equal(firstId, File.ReadAllText(_dir.Combine("instance-id")).Trim());
        }
        finally
        {
            second.Kill();
        }
    }

    [Fact]
    public async Task Litefs_role_follows_the_primary_file_within_two_seconds()
    {
        var liteFs = Directory.CreateDirectory(_dir.Combine("litefs")).FullName;
        var db = Path.Combine(liteFs, "nebulagc.db");
        var port = FreePort.Tcp();
        var url = $"http://127.0.0.1:{port}";
        using var server = await ServerProcess.StartServeAsync(
            ["serve", "--role", "litefs", "--litefs-dir", liteFs, "--db", db, "--listen", $"127.0.0.1:{port}", "--instance-id", "cp-litefs", "--admin-socket", ""], Env(), url);
        try
        {
            Assert.True((await CheckMasterAsync(url)).GetProperty("master").GetBoolean());

            File.WriteAllText(Path.Combine(liteFs, ".primary"), "other-node\n");
            await WaitForRoleAsync(url, master: false, "did not become a replica within 2 s of .primary appearing");

            File.Delete(Path.Combine(liteFs, ".primary"));
            await WaitForRoleAsync(url, master: true, "did not become master within 2 s of .primary disappearing");
            Assert.Equal(2, (await CheckMasterAsync(url)).GetProperty("epoch").GetInt64());
        }
        finally
        {
            server.Kill();
        }
    }

    private static Task WaitForRoleAsync(string url, bool master, string failure) =>
        Wait.UntilAsync(async () => (await CheckMasterAsync(url)).GetProperty("master").GetBoolean() == master, TimeSpan.FromSeconds(2), () => failure);

    [Fact]
    public async Task Litefs_role_without_a_directory_exits_2()
    {
        var result = await ServerProcess.RunAsync(["serve", "--role", "litefs", "--db", _dir.Combine("x.db"), "--instance-id", "x"], Env());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--litefs-dir", result.Stderr);
    }
}
