using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization.Metadata;
using NebulaGC.Client.Contracts;

namespace NebulaGC.PowerShell.Instances;

/// <summary>
/// Talks to one control-plane instance: the public probes on its URL (<c>/v1/check-master</c>, <c>/v1/readyz</c>,
/// <c>/v1/replicas</c>) and, when given, its admin Unix socket (<c>/admin/ha</c>, <c>/admin/status</c>, promote, demote,
/// the write check). Bounded timeouts: an instance that does not answer is reported, never waited on.
/// </summary>
public sealed class InstanceClient : IDisposable
{
    private static readonly Uri AdminBase = new("http://nebulagc-admin");
    private readonly HttpClient? _public;
    private readonly HttpClient? _admin;

    public InstanceClient(Uri? url, string? adminSocket, TimeSpan timeout)
    {
        Url = url;
        AdminSocket = adminSocket;
        if (url is not null)
        {
            _public = new HttpClient(new SocketsHttpHandler { ConnectTimeout = timeout }) { BaseAddress = url, Timeout = timeout };
        }
        if (adminSocket is not null)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectTimeout = timeout,
                ConnectCallback = async (_, cancellation) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(adminSocket), cancellation);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            _admin = new HttpClient(handler) { BaseAddress = AdminBase, Timeout = timeout };
        }
    }

    public Uri? Url { get; }

    public string? AdminSocket { get; }

    /// <summary>How this instance is named in reports: its URL, else its admin socket.</summary>
    public string Name => Url?.ToString().TrimEnd('/') ?? AdminSocket!;

    private static ContractsJsonContext Json => ContractsJsonContext.Default;

    public Task<CheckMasterResponse> CheckMasterAsync(CancellationToken cancellation) => Get(Public, "/v1/check-master", Json.CheckMasterResponse, cancellation);

    public Task<ReplicasResponse> ReplicasAsync(CancellationToken cancellation) => Get(Public, "/v1/replicas", Json.ReplicasResponse, cancellation);

    /// <summary>Null when ready; otherwise the reason the instance gives (or the HTTP status).</summary>
    public async Task<string?> ReadinessProblemAsync(CancellationToken cancellation)
    {
        using var response = await Public.GetAsync("/v1/readyz", cancellation);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }
        var body = await response.Content.ReadFromJsonAsync(Json.HealthResponse, cancellation);
        return body?.Status ?? $"HTTP {(int)response.StatusCode}";
    }

    public Task<HaStatus> HaStatusAsync(CancellationToken cancellation) => Get(Admin, "/admin/ha", Json.HaStatus, cancellation);

    public Task<ServerStatus> StatusAsync(CancellationToken cancellation) => Get(Admin, "/admin/status", Json.ServerStatus, cancellation);

    public Task<HaStatus> PromoteAsync(CancellationToken cancellation) => Post(Admin, "/admin/promote", Json.HaStatus, cancellation);

    public Task<HaStatus> DemoteAsync(CancellationToken cancellation) => Post(Admin, "/admin/demote", Json.HaStatus, cancellation);

    /// <summary>Commits one empty write on the instance (it must be the master); returns the data position after it.</summary>
    public Task<HaStatus> WriteCheckAsync(CancellationToken cancellation) => Post(Admin, "/admin/ha/write-check", Json.HaStatus, cancellation);

    public void Dispose()
    {
        _public?.Dispose();
        _admin?.Dispose();
    }

    private HttpClient Public => _public ?? throw new InvalidOperationException($"instance '{Name}' has no URL");

    private HttpClient Admin => _admin ?? throw new InvalidOperationException($"instance '{Name}' has no admin socket");

    private static async Task<T> Get<T>(HttpClient http, string path, JsonTypeInfo<T> type, CancellationToken cancellation)
    {
        using var response = await http.GetAsync(path, cancellation);
        return await Read(response, type, cancellation);
    }

    private static async Task<T> Post<T>(HttpClient http, string path, JsonTypeInfo<T> type, CancellationToken cancellation)
    {
        using var response = await http.PostAsync(path, content: null, cancellation);
        return await Read(response, type, cancellation);
    }

    private static async Task<T> Read<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellation)
    {
        if (!response.IsSuccessStatusCode)
        {
            var error = await response.Content.ReadAsStringAsync(cancellation);
            throw new InstanceRequestException((int)response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: HTTP {(int)response.StatusCode} {error}");
        }
        return await response.Content.ReadFromJsonAsync(type, cancellation) ?? throw new InstanceRequestException((int)response.StatusCode, "empty response body");
    }
}

/// <summary>An instance answered with an error status.</summary>
public sealed class InstanceRequestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
