using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NebulaGC.Client.Contracts;

namespace NebulaGC.Client.Http;

/// <summary>
/// A node's HA client for the NebulaGC REST API (SPEC §4): reads go to any instance (the last one that answered
/// first), writes go to the master (found through the 503's <c>X-Nebula-Master-URL</c> or <c>/v1/check-master</c>),
/// and every call fails over across all known URLs — the configured ones and those learned from
/// <c>/v1/replicas</c>. Every attempt is bounded by <see cref="ControlPlaneClientOptions"/>. Thread-safe.
/// </summary>
public sealed class ControlPlaneClient : IDisposable
{
    private readonly HttpClient http;
    private readonly NodeCredentials credentials;
    private readonly ControlPlaneClientOptions options;
    private readonly Lock gate = new();
    private readonly List<Uri> urls;
    private Uri preferred;
    private Uri? master;

    /// <param name="baseUrls">Instance base URLs such as <c>https://cp1:8080/</c> (without <c>/v1</c>).</param>
    /// <param name="credentials">Sent as the authentication headers of every call.</param>
    /// <param name="options">Connect and request timeouts, bundle size cap.</param>
    /// <param name="handler">Shared handler (not disposed here); null creates one with <see cref="ControlPlaneClientOptions.ConnectTimeout"/>.</param>
    public ControlPlaneClient(IEnumerable<Uri> baseUrls, NodeCredentials credentials, ControlPlaneClientOptions options, HttpMessageHandler? handler = null)
    {
        urls = baseUrls.Select(WithTrailingSlash).Distinct().ToList();
        if (urls.Count == 0)
        {
            throw new ArgumentException("at least one control-plane URL is required", nameof(baseUrls));
        }
        preferred = urls[0];
        this.credentials = credentials;
        this.options = options;
        http = handler is null
            ? new HttpClient(CreateHandler(options), disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan; // per attempt, below
    }

    /// <summary>A handler with the bounded connect timeout, for sharing between clients.</summary>
    public static SocketsHttpHandler CreateHandler(ControlPlaneClientOptions options) => new()
    {
        ConnectTimeout = options.ConnectTimeout,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        AutomaticDecompression = DecompressionMethods.None,
    };

    /// <summary>Every URL this client may use, configured ones first.</summary>
    public IReadOnlyList<Uri> KnownUrls
    {
        get
        {
            lock (gate)
            {
                return urls.ToList();
            }
        }
    }

    /// <summary>The instance that answered the last read; tried first next time.</summary>
    public Uri PreferredUrl
    {
        get
        {
            lock (gate)
            {
                return preferred;
            }
        }
    }

    /// <summary>
    /// <c>GET /v1/config/version</c>. With <paramref name="currentVersion"/> and <paramref name="wait"/> this is a
    /// long-poll: the server answers when the version differs or after <paramref name="wait"/>.
    /// A server without long-poll simply answers at once.
    /// </summary>
    public async Task<long> GetLatestVersionAsync(long? currentVersion, TimeSpan wait, CancellationToken cancellationToken)
    {
        string path = currentVersion is { } v && wait > TimeSpan.Zero
            ? string.Create(CultureInfo.InvariantCulture, $"v1/config/version?current_version={v}&wait={(int)Math.Ceiling(wait.TotalSeconds)}")
            : "v1/config/version";
        return await ReadAsync(path, wait, async (response, ct) =>
        {
            var body = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ConfigVersionResponse, ct)
                ?? throw new JsonException("empty body");
            return body.LatestVersion;
        }, cancellationToken);
    }

    /// <summary><c>GET /v1/config/bundle?current_version=n</c>: null on 304 (unchanged), else the bundle as received.</summary>
    public async Task<BundleDownload?> DownloadBundleAsync(long currentVersion, CancellationToken cancellationToken)
    {
        string path = string.Create(CultureInfo.InvariantCulture, $"v1/config/bundle?current_version={currentVersion}");
        return await ReadAsync(path, TimeSpan.Zero, async (response, ct) =>
        {
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return null;
            }
            if (!long.TryParse(HeaderValue(response, NebulaHeaders.ConfigVersion), NumberStyles.None, CultureInfo.InvariantCulture, out long version))
            {
                throw new InvalidDataException($"the bundle response has no valid {NebulaHeaders.ConfigVersion} header");
            }
            byte[] content = await ReadCappedAsync(response.Content, options.MaxBundleBytes, ct);
            return new BundleDownload(version, HeaderValue(response, NebulaHeaders.ConfigSha256), content, response.RequestMessage!.RequestUri!);
        }, cancellationToken);
    }

    /// <summary>
    /// <c>POST /v1/node/certificate</c> on the master: asks it to sign this node's public key (managed PKI).
    /// </summary>
    /// <exception cref="ControlPlaneApiException">The server refused, e.g. 404/409 when the cluster uses external PKI.</exception>
    public async Task<NodeCertificateResponse> RequestCertificateAsync(string publicKeyPem, CancellationToken cancellationToken) =>
        await WriteAsync(() => JsonContent.Create(new NodeCertificateRequest(publicKeyPem), ContractsJsonContext.Default.NodeCertificateRequest),
            HttpMethod.Post, "v1/node/certificate", async (response, ct) =>
                await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.NodeCertificateResponse, ct) ?? throw new JsonException("empty body"),
            cancellationToken);

    /// <summary>
    /// <c>POST /v1/routes/{nodeId}/approve</c> on the master, with an admin node's credentials: the node's advertised
    /// <paramref name="routes"/> reach the cluster's configs.
    /// </summary>
    /// <exception cref="ControlPlaneApiException">400 when the node does not advertise one of them, 403 for a non-admin caller, 404 for an unknown node.</exception>
    public Task<NodeRoutes> ApproveRoutesAsync(Guid nodeId, IReadOnlyList<string> routes, CancellationToken cancellationToken) =>
        DecideRoutesAsync(nodeId, "approve", routes, cancellationToken);

    /// <summary><c>POST /v1/routes/{nodeId}/reject</c> on the master: the routes leave every config and stay pending.</summary>
    /// <exception cref="ControlPlaneApiException">As for <see cref="ApproveRoutesAsync"/>.</exception>
    public Task<NodeRoutes> RejectRoutesAsync(Guid nodeId, IReadOnlyList<string> routes, CancellationToken cancellationToken) =>
        DecideRoutesAsync(nodeId, "reject", routes, cancellationToken);

    /// <summary><c>GET /v1/routes/all</c>: every node that advertises routes, with what is approved and what is pending.</summary>
    public async Task<AllRoutesResponse> GetAllRoutesAsync(CancellationToken cancellationToken) =>
        await ReadAsync("v1/routes/all", TimeSpan.Zero, async (response, ct) =>
            await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.AllRoutesResponse, ct) ?? throw new JsonException("empty body"), cancellationToken);

    private async Task<NodeRoutes> DecideRoutesAsync(Guid nodeId, string decision, IReadOnlyList<string> routes, CancellationToken cancellationToken) =>
        await WriteAsync(() => JsonContent.Create(new RoutesRequest(routes), ContractsJsonContext.Default.RoutesRequest),
            HttpMethod.Post, $"v1/routes/{nodeId}/{decision}", async (response, ct) =>
                await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.NodeRoutes, ct) ?? throw new JsonException("empty body"),
            cancellationToken);

    /// <summary>Adds the instances listed by <c>GET /v1/replicas</c> to <see cref="KnownUrls"/>; returns how many were new.</summary>
    public async Task<int> LearnReplicasAsync(CancellationToken cancellationToken)
    {
        var replicas = await ReadAsync("v1/replicas", TimeSpan.Zero, async (response, ct) =>
            await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ReplicasResponse, ct), cancellationToken);
        int added = 0;
        foreach (var instance in replicas?.Instances ?? [])
        {
            if (ParseAddress(instance.Address, PreferredUrl) is { } url && AddUrl(url))
            {
                added++;
            }
        }
        return added;
    }

    /// <summary>Asks every known instance <c>/v1/check-master</c> at once; the master with the highest epoch wins.</summary>
    public async Task<Uri?> FindMasterAsync(CancellationToken cancellationToken)
    {
        var probes = KnownUrls.Select(async url =>
        {
            try
            {
                using var attempt = AttemptToken(TimeSpan.Zero, cancellationToken);
                using var response = await http.GetAsync(new Uri(url, "v1/check-master"), attempt.Token);
                if (!response.IsSuccessStatusCode)
                {
                    return (url, (CheckMasterResponse?)null);
                }
                return (url, await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.CheckMasterResponse, attempt.Token));
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                return (url, null);
            }
        });
        var answers = await Task.WhenAll(probes);
        var best = answers.Where(a => a.Item2 is { Master: true }).OrderByDescending(a => a.Item2!.Epoch).FirstOrDefault();
        if (best.url is not null)
        {
            lock (gate)
            {
                master = best.url;
            }
        }
        return best.url;
    }

    public void Dispose() => http.Dispose();

    private async Task<T> ReadAsync<T>(string path, TimeSpan extraWait, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        TimeSpan? retryAfter = null;
        foreach (var url in ReadOrder())
        {
            try
            {
                using var attempt = AttemptToken(extraWait, cancellationToken);
                using var request = NewRequest(HttpMethod.Get, new Uri(url, path), content: null);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
                if (IsRetryableStatus(response.StatusCode))
                {
                    retryAfter = Max(retryAfter, RetryAfter(response));
                    failures.Add($"{url}: {(int)response.StatusCode} {await ErrorTextAsync(response, attempt.Token)}");
                    continue;
                }
                if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotModified)
                {
                    throw await ApiErrorAsync(response, attempt.Token);
                }
                T result = await read(response, attempt.Token);
                lock (gate)
                {
                    preferred = url;
                }
                return result;
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                failures.Add($"{url}: {Describe(e, extraWait)}");
            }
        }
        throw new ControlPlaneUnavailableException($"no control-plane instance answered GET /{path.Split('?')[0]} ({string.Join("; ", failures)})", retryAfter);
    }

    private async Task<T> WriteAsync<T>(Func<HttpContent> content, HttpMethod method, string path, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var tried = new HashSet<Uri>();
        Uri? next;
        lock (gate)
        {
            // Without a known master, ask the instance that answered reads: it is the master or names it in its 503.
            next = master ?? preferred;
        }
        bool probed = false;
        while (true)
        {
            if (next is null || tried.Contains(next))
            {
                if (probed)
                {
                    break;
                }
                probed = true;
                next = await FindMasterAsync(cancellationToken);
                if (next is null || tried.Contains(next))
                {
                    break;
                }
            }
            var url = next;
            tried.Add(url);
            next = null;
            try
            {
                using var attempt = AttemptToken(TimeSpan.Zero, cancellationToken);
                using var request = NewRequest(method, new Uri(url, path), content());
                using var response = await http.SendAsync(request, attempt.Token);
                if (response.IsSuccessStatusCode)
                {
                    T result = await read(response, attempt.Token);
                    lock (gate)
                    {
                        master = url;
                    }
                    return result;
                }
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    // A replica names the master when it knows it; otherwise ask everyone.
                    if (ParseAddress(HeaderValue(response, NebulaHeaders.MasterUrl), url) is { } named)
                    {
                        AddUrl(named);
                        next = named;
                    }
                    failures.Add($"{url}: 503 {await ErrorTextAsync(response, attempt.Token)}");
                    continue;
                }
                if (IsRetryableStatus(response.StatusCode))
                {
                    failures.Add($"{url}: {(int)response.StatusCode} {await ErrorTextAsync(response, attempt.Token)}");
                    continue;
                }
                throw await ApiErrorAsync(response, attempt.Token);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                failures.Add($"{url}: {Describe(e, TimeSpan.Zero)}");
                lock (gate)
                {
                    if (master == url)
                    {
                        master = null;
                    }
                }
            }
        }
        throw new ControlPlaneUnavailableException($"no master accepted {method} /{path} ({(failures.Count == 0 ? "no instance says it is master" : string.Join("; ", failures))})");
    }

    private List<Uri> ReadOrder()
    {
        lock (gate)
        {
            var order = new List<Uri> { preferred };
            order.AddRange(urls.Where(u => u != preferred));
            return order;
        }
    }

    private bool AddUrl(Uri url)
    {
        lock (gate)
        {
            if (urls.Contains(url))
            {
                return false;
            }
            urls.Add(url);
            return true;
        }
    }

    private CancellationTokenSource AttemptToken(TimeSpan extraWait, CancellationToken cancellationToken)
    {
        var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(options.RequestTimeout + extraWait);
        return attempt;
    }

    private HttpRequestMessage NewRequest(HttpMethod method, Uri uri, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Add(NebulaHeaders.TenantId, credentials.TenantId.ToString());
        request.Headers.Add(NebulaHeaders.ClusterId, credentials.ClusterId.ToString());
        request.Headers.Add(NebulaHeaders.NodeId, credentials.NodeId.ToString());
        request.Headers.Add(NebulaHeaders.NodeToken, credentials.NodeToken);
        request.Headers.Add(NebulaHeaders.ClusterToken, credentials.ClusterToken);
        return request;
    }

    /// <summary>Transport failures, timeouts of one attempt and garbled answers move on to the next instance; the caller's cancellation does not.</summary>
    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && e is HttpRequestException or IOException or OperationCanceledException or JsonException or InvalidDataException;

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : (a > b ? a : b);

    private static bool IsRetryableStatus(HttpStatusCode status) =>
        (int)status >= 500 || status == HttpStatusCode.TooManyRequests || status == HttpStatusCode.RequestTimeout;

    private string Describe(Exception e, TimeSpan extraWait) => e switch
    {
        OperationCanceledException => $"no answer within {(options.RequestTimeout + extraWait).TotalSeconds:0.#} s",
        HttpRequestException { InnerException: { } inner } h => $"{h.Message} ({inner.Message})",
        _ => e.Message,
    };

    private static async Task<ControlPlaneApiException> ApiErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var error = await TryReadErrorAsync(response, cancellationToken);
        return new ControlPlaneApiException(response.StatusCode, error?.Code, error?.Error ?? response.ReasonPhrase ?? "error");
    }

    private static async Task<string> ErrorTextAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        (await TryReadErrorAsync(response, cancellationToken)) is { } error ? $"{error.Code}: {error.Error}" : response.ReasonPhrase ?? "";

    private static async Task<ErrorResponse?> TryReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or HttpRequestException or IOException)
        {
            return null;
        }
    }

    private static async Task<byte[]> ReadCappedAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            throw new InvalidDataException($"the bundle is {content.Headers.ContentLength} bytes, more than the {maxBytes} bytes allowed");
        }
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new InvalidDataException($"the bundle is more than the {maxBytes} bytes allowed");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? contentValues.FirstOrDefault()
        : null;

    /// <summary>An instance address: an absolute http(s) URL, or <c>host:port</c> taken with the scheme of <paramref name="like"/>.</summary>
    private static Uri? ParseAddress(string? address, Uri like)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }
        address = address.Trim();
        if (!address.Contains("://", StringComparison.Ordinal))
        {
            address = $"{like.Scheme}://{address}";
        }
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }
        string path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^3];
        }
        return new UriBuilder(uri.Scheme, uri.Host, uri.Port, path + "/").Uri;
    }

    private static Uri WithTrailingSlash(Uri url) =>
        url.AbsolutePath.EndsWith('/') ? url : new UriBuilder(url) { Path = url.AbsolutePath + "/" }.Uri;
}
