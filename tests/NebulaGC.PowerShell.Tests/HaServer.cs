using System.Net.Http.Json;
using System.Net.Sockets;
using NebulaGC.Client.Contracts;

namespace NebulaGC.PowerShell.Tests;

/// <summary>
/// A real <c>nebulagc-server serve</c> process for the HA tests: a free loopback port, its own admin socket, any role and
/// extra flags (<c>--peer-url</c>), started again after a kill -9 as often as a test needs and always stopped at the end.
/// (The shared <c>ServerInstance</c> covers plain master/replica runs; these tests need the socket, the role per start and
/// the extra flags.)
/// </summary>
public sealed class HaServer : IDisposable
{
    // A fixed test secret: never used outside these temp directories.
    private const string HmacSecret = "failover-tests-hmac-secret-0123456789abcdef";
    private readonly string _role;
    private readonly string[] _extra;
    private BackgroundProcess? _process;

    public HaServer(string instanceId, string databasePath, string role, string directory, params string[] extraArgs)
    {
        InstanceId = instanceId;
        DatabasePath = databasePath;
        _role = role;
        _extra = extraArgs;
        Port = FreePort.Tcp();
        AdminSocket = Path.Combine(directory, instanceId + ".sock");
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
    }

    public string InstanceId { get; }

    public string DatabasePath { get; }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public string AdminSocket { get; }

    public bool Running => _process is { HasExited: false };

    public string Log => _process?.Output ?? "";

    /// <summary>Starts the process (does not wait; see <see cref="WaitReady"/>).</summary>
    public void Start(string? role = null)
    {
        _process?.Dispose();
        File.Delete(AdminSocket);
        _process = BackgroundProcess.Dotnet(RepositoryPaths.ServerDll,
            ["serve", "--role", role ?? _role, "--db", DatabasePath, "--listen", $"127.0.0.1:{Port}", "--public-url", Url.ToString().TrimEnd('/'),
             "--admin-socket", AdminSocket, "--instance-id", InstanceId, .. _extra],
            new Dictionary<string, string?> { ["NEBULAGC_HMAC_SECRET"] = HmacSecret, ["NEBULAGC_LOG_FORMAT"] = "console" });
    }

    public HaServer StartReady(string? role = null)
    {
        Start(role);
        WaitReady(TimeSpan.FromSeconds(60));
        return this;
    }

    /// <summary>Waits until <c>/v1/readyz</c> answers 200.</summary>
    public void WaitReady(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process is null || _process.HasExited)
            {
                throw new InvalidOperationException($"nebulagc-server {InstanceId} exited before becoming ready:\n{Log}");
            }
            try
            {
                using var response = http.GetAsync(new Uri(Url, "v1/readyz")).GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"nebulagc-server {InstanceId} not ready within {timeout}:\n{Log}");
            }
            Thread.Sleep(50);
        }
    }

    public CheckMasterResponse CheckMaster()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        return http.GetFromJsonAsync(new Uri(Url, "v1/check-master"), ContractsJsonContext.Default.CheckMasterResponse).GetAwaiter().GetResult()!;
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, as in a crash.</summary>
    public void Kill() => _process?.Kill();

    public void Dispose() => _process?.Dispose();

    /// <summary>An HTTP client bound to an admin Unix socket.</summary>
    public static HttpClient AdminClient(string socketPath, TimeSpan timeout) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellation) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { BaseAddress = new Uri("http://nebulagc-admin"), Timeout = timeout };
}
