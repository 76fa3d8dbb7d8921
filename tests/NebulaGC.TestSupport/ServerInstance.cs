using System.Text.Json;

namespace NebulaGC.TestSupport;

/// <summary>
/// One real <c>nebulagc-server serve</c> process on a free port of 127.0.0.1, over a SQLite file that its CLI
/// bootstraps (<see cref="Migrate"/>, <see cref="Cli"/>); several instances may share one file (master and replica).
/// Stopped on dispose. For the server in this process, with its clock and services at hand, use the server test
/// project's <c>TestServer</c> instead.
/// </summary>
public sealed class ServerInstance : IDisposable
{
    /// <summary>The HMAC secret every instance and CLI call gets (NEBULAGC_HMAC_SECRET).</summary>
    public const string Secret = "e2e-secret-0123456789-0123456789-abcdefgh";

    private readonly string _dir;
    private readonly string _db;
    private readonly string _role;
    private readonly string _instanceId;
    private BackgroundProcess? _process;

    /// <summary>
    /// An instance with its own directory <paramref name="dir"/> (admin socket), serving <paramref name="db"/> as
    /// <paramref name="role"/> (<c>master</c> or <c>replica</c>) under <paramref name="instanceId"/>; not started yet.
    /// </summary>
    public ServerInstance(string dir, string db, string role, string instanceId)
    {
        _dir = dir;
        _db = db;
        _role = role;
        _instanceId = instanceId;
        Directory.CreateDirectory(dir);
        Port = FreePort.Tcp();
    }

    /// <summary>The TCP port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>Its base URL, ending in a slash.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>What the running (or last) process logged.</summary>
    public string Output => _process?.Output ?? "";

    /// <summary>The environment every instance and CLI call gets.</summary>
    public static Dictionary<string, string?> Environment => new() { ["NEBULAGC_HMAC_SECRET"] = Secret };

    /// <summary>Runs a bootstrap command directly on the database (<c>tenant create</c>…); returns its JSON output, fails the test on a non-zero exit.</summary>
    public static JsonElement Cli(string db, params string[] args) => JsonDocument.Parse(Run([.. args, "--db", db, "--output", "json"])).RootElement.Clone();

    /// <summary>Creates the database schema (<c>migrate</c>).</summary>
    public static void Migrate(string db) => Run(["migrate", "--db", db]);

    /// <summary>Starts <c>serve</c> and waits until it is ready (see <see cref="ServerProcess.StartServeAsync"/>).</summary>
    public async Task StartAsync()
    {
        _process = await ServerProcess.StartServeAsync(
            ["serve", $"--{(_role == "master" ? "master" : "replicate")}", "--listen", $"127.0.0.1:{Port}", "--db", _db, "--instance-id", _instanceId,
             "--public-url", Url.ToString().TrimEnd('/'), "--admin-socket", Path.Combine(_dir, "admin.sock")],
            Environment, Url.ToString().TrimEnd('/'));
    }

    /// <summary>Kills the process (a crash, as far as the others can tell); <see cref="StartAsync"/> may start it again.</summary>
    public void Stop()
    {
        _process?.Dispose();
        _process = null;
    }

    /// <inheritdoc cref="Stop"/>
    public void Dispose() => Stop();

    private static string Run(string[] args)
    {
        var result = ServerProcess.Run(args, Environment);
        Assert.True(result.ExitCode == 0, $"nebulagc-server {string.Join(' ', args)} failed: {result.Describe()}");
        return result.Stdout;
    }
}
