using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NebulaGC.Client.Contracts;

namespace NebulaGC.Daemon.Tests.Support;

/// <summary>
/// A scriptable control-plane instance on 127.0.0.1 (real Kestrel, real HTTP), speaking the node-facing part of
/// SPEC §3. Used where the real server cannot produce the situation under test (tampered bundles, a hung instance).
/// </summary>
public sealed class FakeControlPlane : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Lock gate = new();
    private long version;
    private byte[] bundle = [];
    private string? announcedSha;
    private bool truncate;
    private TaskCompletionSource published = NewSignal();
    private int waitingPolls;
    private int longPollsStarted;
    private long lastPolledVersion = -1;

    private FakeControlPlane(WebApplication app)
    {
        this.app = app;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>When true, config calls answer 503 REPLICA_READ_ONLY on writes and name <see cref="MasterUrl"/>.</summary>
    public bool IsReplica { get; set; }

    public Uri? MasterUrl { get; set; }

    /// <summary>Delay before every answer (a hung instance).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Long-poll support: when false the version endpoint answers at once.</summary>
    public bool LongPoll { get; set; } = true;

    public List<string> Replicas { get; } = [];

    /// <summary>When set, the version endpoint answers 429 with this <c>Retry-After</c> (seconds).</summary>
    public int? RateLimitRetryAfterSeconds { get; set; }

    public int VersionRequests;
    public int BundleRequests;
    public int CertificateRequests;
    public string? LastPublicKey;

    /// <summary>What <c>POST /v1/node/certificate</c> answers (404: a server without managed PKI).</summary>
    public HttpStatusCode CertificateStatus { get; set; } = HttpStatusCode.NotFound;

    /// <summary>How many long-polls are waiting for a new version right now.</summary>
    public int WaitingPolls => Volatile.Read(ref waitingPolls);

    /// <summary>How many long-polls have started waiting since this instance started.</summary>
    public int LongPollsStarted => Volatile.Read(ref longPollsStarted);

    /// <summary>The <c>current_version</c> of the latest version request (-1 before the first).</summary>
    public long LastPolledVersion => Interlocked.Read(ref lastPolledVersion);

    public static async Task<FakeControlPlane> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // Stopping must look like an outage, not wait for in-flight long-polls.
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromMilliseconds(100));
        var app = builder.Build();
        var fake = new FakeControlPlane(app);
        fake.Map();
        await app.StartAsync();
        fake.Url = new Uri(app.Urls.First() + "/");
        return fake;
    }

    /// <summary>Publishes a new bundle; <paramref name="announcedSha256"/> overrides the header (a tampered or wrong checksum).</summary>
    public void Publish(long newVersion, byte[] content, string? announcedSha256 = null, bool truncateBody = false)
    {
        lock (gate)
        {
            version = newVersion;
            bundle = content;
            announcedSha = announcedSha256 ?? Bundles.Sha256(content);
            truncate = truncateBody;
            published.TrySetResult();
            published = NewSignal();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private long CurrentVersion
    {
        get
        {
            lock (gate)
            {
                return version;
            }
        }
    }

    /// <summary>The version now, and a task that completes at the next <see cref="Publish"/>.</summary>
    private (long Version, Task NextPublish) Subscribe()
    {
        lock (gate)
        {
            return (version, published.Task);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Map()
    {
        app.Use(async (context, next) =>
        {
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, context.RequestAborted);
            }
            await next();
        });
        app.MapGet("/v1/check-master", () => Results.Json(new CheckMasterResponse(!IsReplica, Url.Port.ToString(), 1), ContractsJsonContext.Default.CheckMasterResponse));
        app.MapGet("/v1/replicas", () => Results.Json(
            new ReplicasResponse(Replicas.Select(r => new ReplicaInstance(r, r, "replica", DateTimeOffset.UtcNow, true)).ToList()),
            ContractsJsonContext.Default.ReplicasResponse));
        app.MapGet("/v1/config/version", async (HttpContext context) =>
        {
            Interlocked.Increment(ref VersionRequests);
            if (RateLimitRetryAfterSeconds is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString();
                return Results.Json(new ErrorResponse("node request limit exceeded", ErrorCodes.RateLimitExceeded), ContractsJsonContext.Default.ErrorResponse, statusCode: 429);
            }
            long.TryParse(context.Request.Query["current_version"], out long current);
            int.TryParse(context.Request.Query["wait"], out int wait);
            Interlocked.Exchange(ref lastPolledVersion, current);
            var (now, nextPublish) = Subscribe();
            if (LongPoll && wait > 0 && now == current)
            {
                Interlocked.Increment(ref waitingPolls);
                Interlocked.Increment(ref longPollsStarted);
                try
                {
                    await nextPublish.WaitAsync(TimeSpan.FromSeconds(wait), context.RequestAborted);
                }
                catch (Exception e) when (e is TimeoutException or OperationCanceledException)
                {
                    // The wait ended (or the daemon hung up): answer with the unchanged version, as the server does.
                }
                finally
                {
                    Interlocked.Decrement(ref waitingPolls);
                }
            }
            return Results.Json(new ConfigVersionResponse(CurrentVersion), ContractsJsonContext.Default.ConfigVersionResponse);
        });
        app.MapGet("/v1/config/bundle", async (HttpContext context) =>
        {
            Interlocked.Increment(ref BundleRequests);
            byte[] content;
            long v;
            string? sha;
            bool cut;
            lock (gate)
            {
                (content, v, sha, cut) = (bundle, version, announcedSha, truncate);
            }
            if (long.TryParse(context.Request.Query["current_version"], out long current) && current == v)
            {
                context.Response.StatusCode = 304;
                return;
            }
            context.Response.Headers[NebulaHeaders.ConfigVersion] = v.ToString();
            context.Response.Headers[NebulaHeaders.ConfigSha256] = sha;
            context.Response.ContentType = "application/gzip";
            if (cut)
            {
                // Announce the full length, send half, then drop the connection.
                context.Response.ContentLength = content.Length;
                await context.Response.Body.WriteAsync(content.AsMemory(0, content.Length / 2));
                await context.Response.Body.FlushAsync();
                context.Abort();
                return;
            }
            await context.Response.Body.WriteAsync(content);
        });
        app.MapPost("/v1/node/certificate", async (HttpContext context) =>
        {
            Interlocked.Increment(ref CertificateRequests);
            if (IsReplica)
            {
                if (MasterUrl is not null)
                {
                    context.Response.Headers[NebulaHeaders.MasterUrl] = MasterUrl.ToString();
                }
                return Results.Json(new ErrorResponse("replica is read-only", ErrorCodes.ReplicaReadOnly), ContractsJsonContext.Default.ErrorResponse, statusCode: 503);
            }
            using var doc = await JsonDocument.ParseAsync(context.Request.Body);
            LastPublicKey = doc.RootElement.GetProperty("public_key").GetString();
            return CertificateStatus == HttpStatusCode.OK
                ? Results.Json(new NodeCertificateResponse("PEM", "fingerprint", DateTimeOffset.UtcNow.AddDays(365), CurrentVersion), ContractsJsonContext.Default.NodeCertificateResponse)
                : Results.Json(new ErrorResponse("no managed PKI here", ErrorCodes.NotFound), ContractsJsonContext.Default.ErrorResponse, statusCode: (int)CertificateStatus);
        });
    }
}
