using NebulaGC.Server.Domain;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Time.Testing;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Hosting;
using NebulaGC.Server.Observability;
using NebulaGC.Server.Security;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Tests.Infrastructure;

/// <summary>
/// The real server (Kestrel on 127.0.0.1, a real SQLite file) in this process, with its log captured and its clock
/// under the test's control.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string Secret = "test-secret-0123456789-0123456789-abcdef";

    private readonly StringWriter _log;
    private readonly Serilog.ILogger _logger;

    private TestServer(WebApplication app, StringWriter log, Serilog.ILogger logger, ServerOptions options, FakeTimeProvider time, Uri baseAddress)
    {
        App = app;
        _log = log;
        _logger = logger;
        Options = options;
        Time = time;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public ServerOptions Options { get; }

    public FakeTimeProvider Time { get; }

    public Uri BaseAddress { get; }

    public string Logs
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<TestServer> StartAsync(string dbPath, ServerRole role = ServerRole.Master, string instanceId = "test-master",
        string? publicUrl = null, string? adminSocket = null, string? metricsAddress = null, IReadOnlyList<string>? trustedProxies = null,
        FakeTimeProvider? time = null, string listen = "127.0.0.1:0", string? liteFsDirectory = null)
    {
        time ??= new FakeTimeProvider(DateTimeOffset.UtcNow);
        var log = new StringWriter();
        var logger = ServerLogger.Create("debug", "json", TextWriter.Synchronized(log));
        var options = new ServerOptions
        {
            Listen = listen,
            DbPath = dbPath,
            Role = role,
            InstanceId = instanceId,
            PublicUrl = publicUrl,
            AdminSocket = adminSocket,
            MetricsAddress = metricsAddress,
            TrustedProxies = trustedProxies ?? [],
            LiteFsDirectory = liteFsDirectory,
        };
        var app = ServerHost.Build(options, HmacSecret.FromString(Secret), logger, time);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(a => a.StartsWith("http://127.0.0.1", StringComparison.Ordinal));
        return new TestServer(app, log, logger, options, time, new Uri(address));
    }

    public HttpClient Client() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A tenant, a cluster and an admin node, created through the services (as the CLI does).</summary>
    public Credentials Bootstrap(string pki = "external", string cidr = "10.42.0.0/16", string tenantName = "acme", string clusterName = "net")
    {
        var tenant = Service<TenantService>().Create(tenantName);
        var cluster = Service<ClusterService>().Create(new CreateClusterRequest(tenant.TenantId, clusterName, cidr, pki, false, null));
        var admin = Service<NodeService>().Create(new AdminCreateNodeRequest(tenant.TenantId, cluster.ClusterId, "admin", true, null, null, cluster.ClusterToken));
        return new Credentials(tenant.TenantId, cluster.ClusterId, admin.NodeId, admin.NodeToken, cluster.ClusterToken);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Credentials? credentials, HttpContent? content = null,
        Action<HttpRequestMessage>? configure = null)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(method, path) { Content = content };
        credentials?.Apply(request);
        configure?.Invoke(request);
        return await client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path, Credentials? credentials = null) => SendAsync(HttpMethod.Get, path, credentials);

    public Task<HttpResponseMessage> PostJsonAsync(string path, Credentials? credentials, string json) =>
        SendAsync(HttpMethod.Post, path, credentials, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    /// <summary>Creates a node through the REST API as <paramref name="admin"/> and returns its credentials.</summary>
    public async Task<Credentials> CreateNodeAsync(Credentials admin, string name, bool isAdmin = false)
    {
        using var response = await PostJsonAsync($"/v1/tenants/{admin.TenantId}/clusters/{admin.ClusterId}/nodes", admin, $$"""{"name":"{{name}}","is_admin":{{(isAdmin ? "true" : "false")}}}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.CreateNodeResponse))!;
        return admin.WithNode(created.NodeId, created.NodeToken);
    }

    /// <summary>Downloads the node's bundle and returns its files by name, asserting every entry is a regular file.</summary>
    public async Task<Dictionary<string, string>> BundleFilesAsync(Credentials node)
    {
        using var response = await GetAsync("/v1/config/bundle", node);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var files = new Dictionary<string, string>();
        using var reader = new System.Formats.Tar.TarReader(new System.IO.Compression.GZipStream(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), System.IO.Compression.CompressionMode.Decompress));
        while (reader.GetNextEntry() is { } entry)
        {
            Assert.Equal(System.Formats.Tar.TarEntryType.RegularFile, entry.EntryType);
            using var content = new StreamReader(entry.DataStream!);
            files[entry.Name] = content.ReadToEnd();
        }
        return files;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        (_logger as IDisposable)?.Dispose();
    }
}

public static class ResponseAssertions
{
    /// <summary>Asserts the status and the JSON error shape with its code; returns the message.</summary>
    public static async Task<string> AssertErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} but got {(int)response.StatusCode}: {body}");
        var error = JsonSerializer.Deserialize(body, ContractsJsonContext.Default.ErrorResponse)!;
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Error));
        Assert.True(response.Headers.Contains(NebulaHeaders.RequestId), "every response carries X-Request-ID");
        return error.Error;
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} but got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize(body, type)!;
    }
}
