using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using NebulaGC.Client.Contracts;
using NebulaGC.Client.Pki;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Hosting;
using NebulaGC.Server.NebulaConfig;
using NebulaGC.Server.Observability;
using NebulaGC.Server.Pki;
using NebulaGC.Server.Security;
using NebulaGC.Server.Services;

// Targets from the PKI/config work package: >= 2,000 host certificates signed per second (one core), and
// <= 5 ms to render one node's bundle (config.yml + lighthouses.json + tar.gz) in a 10,000-node cluster.
const int CertificateTarget = 2_000;
const double RenderTargetMilliseconds = 5.0;
// Target for the long-poll path: with 1,000 daemons waiting, every one hears of a change within 100 ms (p99).
const double WakeUpTargetMilliseconds = 100.0;

if (args is [LongPollClients.Mode, ..])
{
    // The child half of the wake-up benchmark: the polling daemons, in their own process (see LongPollClients).
    return await LongPollClients.RunAsync(Console.In, Console.Out);
}

// Wall-clock figures: other processes on the machine show up in p99, so the load is printed next to each figure.
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {Load()} (before)");
var results = new List<bool>
{
    BenchmarkSigning(out string signingReport),
};
Console.WriteLine($"{signingReport} [load {Load()}]");
results.Add(BenchmarkBundleRendering(out string renderReport));
Console.WriteLine($"{renderReport} [load {Load()}]");
var (wakeUpPassed, wakeUpReport) = await BenchmarkLongPollWakeUpAsync();
results.Add(wakeUpPassed);
Console.WriteLine($"{wakeUpReport} [load {Load()}]");
return results.All(passed => passed) ? 0 : 1;

static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

bool BenchmarkSigning(out string report)
{
    CertificateAuthority ca = CertificateAuthority.Create(new CertificateAuthorityRequest("bench", TimeSpan.FromDays(365)));
    // Distinct node keys, generated up front: only the server's work (parse key, sign, encode PEM) is timed.
    string[] publicKeys = Enumerable.Range(0, 512).Select(_ => X25519KeyPair.Generate().PublicKeyPem()).ToArray();
    string[] groups = ["web", "prod"];
    void SignOne(int i) => ca.SignHostCertificate(new HostCertificateRequest(
        $"node-{i}", publicKeys[i % publicKeys.Length], new OverlayAddress(NodeIp(i), 16), CertificateAuthority.DefaultHostLifetime)
    {
        Groups = groups,
    }).ToPem();

    for (int i = 0; i < 1_000; i++)
    {
        SignOne(i);
    }
    const int count = 10_000;
    var stopwatch = Stopwatch.StartNew();
    for (int i = 0; i < count; i++)
    {
        SignOne(i);
    }
    stopwatch.Stop();
    double perSecond = count / stopwatch.Elapsed.TotalSeconds;
    bool passed = perSecond >= CertificateTarget;
    report = string.Create(CultureInfo.InvariantCulture,
        $"certificates signed per second (1 thread, incl. key PEM parse and cert PEM encode): {perSecond:F0} (target >= {CertificateTarget}) {(passed ? "OK" : "MISSED")}");
    return passed;
}

bool BenchmarkBundleRendering(out string report)
{
    const int clusterSize = 10_000;
    // A busy cluster: 3 node lighthouses, 2 control-plane lighthouses, 10 relays, 500 routers with a route each,
    // 1,000 revoked certificates.
    NebulaLighthouse[] lighthouses = Enumerable.Range(1, 3)
        .Select(i => new NebulaLighthouse(NodeIp(i), [$"203.0.113.{i}:4242"])).ToArray();
    NebulaLighthouse[] controlPlane = Enumerable.Range(1, 2)
        .Select(i => new NebulaLighthouse(IPAddress.Parse($"10.42.255.{i}"), [$"198.51.100.{i}:4243"])).ToArray();
    IPAddress[] relays = Enumerable.Range(10, 10).Select(NodeIp).ToArray();
    NebulaUnsafeRoute[] routes = Enumerable.Range(0, 500)
        .Select(i => new NebulaUnsafeRoute(new IPNetwork(IPAddress.Parse($"172.{16 + i / 256}.{i % 256}.0"), 24), NodeIp(100 + i * 7))).ToArray();
    string[] blocklist = Enumerable.Range(0, 1_000)
        .Select(i => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)))).ToArray();
    NebulaFirewallRule[] rules = [new NebulaFirewallRule(NebulaFirewallDirection.Inbound, "443", "tcp") { Groups = ["web"] }];
    CertificateAuthority ca = CertificateAuthority.Create(new CertificateAuthorityRequest("bench", TimeSpan.FromDays(365)));
    string caPem = ca.CertificatePem;
    // Certificates are signed when a node submits its key, not per render: one stands in for every node here.
    string hostPem = ca.SignHostCertificate(new HostCertificateRequest(
        "node", X25519KeyPair.Generate().PublicKeyPem(), new OverlayAddress(NodeIp(0), 16), CertificateAuthority.DefaultHostLifetime)).ToPem();

    NebulaBundle RenderFor(int node) => NodeBundleBuilder.Build(
        new NebulaConfigInput
        {
            Node = new NebulaNodeSettings($"node-{node}", NodeIp(node)) { IsRelay = node % 1_000 == 10 },
            Lighthouses = lighthouses,
            ControlPlaneLighthouses = controlPlane,
            Relays = relays,
            UnsafeRoutes = routes,
            BlocklistFingerprints = blocklist,
            ExtraFirewallRules = rules,
        },
        caPem,
        hostPem);

    for (int i = 0; i < 200; i++)
    {
        RenderFor(i);
    }
    GC.Collect();
    const int iterations = 2_000;
    var milliseconds = new double[iterations];
    int bundleBytes = 0;
    // Process CPU time next to wall time: on a busy machine wall-clock p99 mostly measures waiting for a core.
    TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    for (int i = 0; i < iterations; i++)
    {
        long start = Stopwatch.GetTimestamp();
        bundleBytes = RenderFor(i * 5 % clusterSize).Content.Length;
        milliseconds[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
    double cpuMean = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / iterations;
    Array.Sort(milliseconds);
    double p50 = milliseconds[iterations / 2];
    double p99 = milliseconds[iterations * 99 / 100];
    bool passed = p99 <= RenderTargetMilliseconds;
    report = string.Create(CultureInfo.InvariantCulture,
        $"bundle render for one node of {clusterSize} (500 routes, 1000 revoked, {bundleBytes} bytes): p50 {p50:F3} ms, p99 {p99:F3} ms, max {milliseconds[^1]:F3} ms, mean CPU {cpuMean:F3} ms (target <= {RenderTargetMilliseconds} ms) {(passed ? "OK" : "MISSED")}");
    return passed;
}


// The real server in this process (Kestrel on 127.0.0.1, a temp SQLite file, the system clock), a managed cluster of 20
// nodes, 1,000 concurrent `GET /v1/config/version?current_version=n&wait=60` (50 per node: the per-node limit is 100
// requests a minute), then one change through the API. Latency is counted per response, from the moment the server
// announces the committed version (ConfigVersionFeed, which long-polls wake on) to the client holding the full response.
async Task<(bool Passed, string Report)> BenchmarkLongPollWakeUpAsync()
{
    const int nodeCount = 20;
    const int pollCount = 1_000;
    string directory = Path.Combine(Path.GetTempPath(), "nebulagc-bench-" + Guid.NewGuid().ToString("N")[..12]);
    Directory.CreateDirectory(directory);
    var options = new ServerOptions
    {
        Listen = "127.0.0.1:0",
        DbPath = Path.Combine(directory, "nebulagc.db"),
        Role = NebulaGC.Server.Domain.ServerRole.Master,
        InstanceId = "bench",
    };
    // Warnings only: the benchmark's console stays readable, and per-request info logging is not what is measured.
    var logger = ServerLogger.Create("warning", "json", TextWriter.Null);
    var app = ServerHost.Build(options, HmacSecret.FromString("bench-secret-0123456789-0123456789-abcdef"), logger, TimeProvider.System);
    long committedAt = 0;
    // Subscribed before the server starts, so it runs before the long-poll waiters' own handler: the stamp is the commit's.
    app.Services.GetRequiredService<ConfigVersionFeed>().Changed += (_, _) => Interlocked.CompareExchange(ref committedAt, Stopwatch.GetTimestamp(), 0);
    await app.StartAsync();
    Process? clients = null;
    try
    {
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var tenant = app.Services.GetRequiredService<TenantService>().Create("bench");
        var cluster = app.Services.GetRequiredService<ClusterService>().Create(new CreateClusterRequest(tenant.TenantId, "bench", null, "managed", false, null));
        var nodeService = app.Services.GetRequiredService<NodeService>();
        var admin = nodeService.Create(new AdminCreateNodeRequest(tenant.TenantId, cluster.ClusterId, "admin", true, null, null, null));
        var nodes = Enumerable.Range(0, nodeCount)
            .Select(i => nodeService.Create(new AdminCreateNodeRequest(tenant.TenantId, cluster.ClusterId, $"node-{i}", false, null, null, null)))
            .ToArray();

        using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        long version = app.Services.GetRequiredService<ConfigVersions>().Current(cluster.ClusterId);
        var waiters = app.Services.GetRequiredService<ConfigVersionWaiters>();

        // The polls run in a child process, as daemons run on other machines: in this process their response handling
        // would queue on the server's own thread pool and be counted as server latency. Both processes read the same
        // monotonic clock (Stopwatch), so the child's answer stamps compare with the commit stamp taken here.
        clients = LongPollClients.Start();
        clients.StandardInput.WriteLine(string.Join(' ', address, tenant.TenantId, cluster.ClusterId, cluster.ClusterToken, version, pollCount));
        foreach (var node in nodes)
        {
            clients.StandardInput.WriteLine($"{node.NodeId} {node.NodeToken}");
        }
        clients.StandardInput.Close();
        var clientOutput = clients.StandardOutput.ReadToEndAsync();
        var clientErrors = clients.StandardError.ReadToEndAsync();

        // Bounded wait until every poll is parked in the server, then a moment for the last ones to reach their await.
        var waitingSince = Stopwatch.StartNew();
        while (waiters.CountWaiting(cluster.ClusterId) < pollCount)
        {
            if (waitingSince.Elapsed > TimeSpan.FromSeconds(45) || clients.HasExited)
            {
                int waiting = waiters.CountWaiting(cluster.ClusterId);
                clients.Kill();
                return (false, $"long-poll wake-up: only {waiting} of {pollCount} polls were waiting after {waitingSince.Elapsed.TotalSeconds:F0} s; client process: {await clientErrors} MISSED");
            }
            await Task.Delay(20);
        }
        double parkSeconds = waitingSince.Elapsed.TotalSeconds;
        await Task.Delay(200);

        // Creating the nodes published versions too: only the change below may stamp the commit.
        Interlocked.Exchange(ref committedAt, 0);
        long sentAt = Stopwatch.GetTimestamp();
        using (var change = LongPollClients.Request(HttpMethod.Patch, $"/v1/nodes/{nodes[0].NodeId}/mtu", tenant.TenantId, cluster.ClusterId, cluster.ClusterToken, admin.NodeId, admin.NodeToken))
        {
            change.Content = JsonContent.Create(new UpdateMtuRequest(1400), ContractsJsonContext.Default.UpdateMtuRequest);
            using var changed = await client.SendAsync(change);
            if (!changed.IsSuccessStatusCode)
            {
                return (false, $"long-poll wake-up: the change (PATCH mtu) failed with {(int)changed.StatusCode}: {await changed.Content.ReadAsStringAsync()} MISSED");
            }
        }
        if (!clients.WaitForExit(TimeSpan.FromSeconds(75)))
        {
            clients.Kill();
            return (false, "long-poll wake-up: the polls did not all answer within 75 s MISSED");
        }
        var answers = (await clientOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(LongPollClients.Answer.Parse).ToArray();
        if (clients.ExitCode != 0 || answers.Length != pollCount)
        {
            return (false, $"long-poll wake-up: the client process exited {clients.ExitCode} with {answers.Length} answers: {await clientErrors} MISSED");
        }
        int woken = answers.Count(a => a.Status == 200 && a.Version > version);
        double[] fromCommit = answers.Select(a => Stopwatch.GetElapsedTime(committedAt, a.AnsweredAt).TotalMilliseconds).Order().ToArray();
        double[] fromSend = answers.Select(a => Stopwatch.GetElapsedTime(sentAt, a.AnsweredAt).TotalMilliseconds).Order().ToArray();
        double p50 = fromCommit[pollCount / 2];
        double p99 = fromCommit[pollCount * 99 / 100];
        bool passed = woken == pollCount && p99 <= WakeUpTargetMilliseconds;
        // Every woken poll re-reads the version from SQLite before answering: that read's cost, alone, for comparison.
        var versions = app.Services.GetRequiredService<ConfigVersions>();
        long readStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < pollCount; i++)
        {
            versions.Current(cluster.ClusterId);
        }
        double readMicroseconds = Stopwatch.GetElapsedTime(readStart).TotalMicroseconds / pollCount;
        return (passed, string.Create(CultureInfo.InvariantCulture,
            $"long-poll wake-up, {pollCount} concurrent polls on {nodeCount} nodes (parked in {parkSeconds:F1} s), one change: {woken}/{pollCount} woken with the new version; from commit min {fromCommit[0]:F1} ms, p50 {p50:F1} ms, p99 {p99:F1} ms, max {fromCommit[^1]:F1} ms; from sending the change p99 {fromSend[pollCount * 99 / 100]:F1} ms, max {fromSend[^1]:F1} ms (target p99 <= {WakeUpTargetMilliseconds} ms) {(passed ? "OK" : "MISSED")}; one version read from SQLite {readMicroseconds:F0} µs"));
    }
    finally
    {
        // A failed run must not leave the polling child behind.
        if (clients is { HasExited: false })
        {
            clients.Kill(entireProcessTree: true);
        }
        clients?.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        (logger as IDisposable)?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

static IPAddress NodeIp(int index) => new([10, 42, (byte)(index / 250), (byte)(index % 250 + 1)]);

/// <summary>
/// The polling side of the wake-up benchmark, run as a child process of this program (<c>--long-poll-clients</c>). Reads
/// from stdin a line <c>address tenant cluster cluster-token version count</c>, then one <c>node-id node-token</c> line per
/// node; opens <c>count</c> concurrent long-polls (spread over the nodes) and, once all have answered, writes one line per
/// answer: <c>status latest-version stopwatch-timestamp</c>.
/// </summary>
internal static class LongPollClients
{
    public const string Mode = "--long-poll-clients";

    public static Process Start()
    {
        string self = Environment.ProcessPath!;
        var startInfo = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Under `dotnet NebulaGC.Benchmarks.dll` the process is the dotnet host: pass the assembly again.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            startInfo.ArgumentList.Add(typeof(LongPollClients).Assembly.Location);
        }
        startInfo.ArgumentList.Add(Mode);
        return Process.Start(startInfo)!;
    }

    public static async Task<int> RunAsync(TextReader input, TextWriter output)
    {
        string[] spec = input.ReadLine()!.Split(' ');
        var (address, tenant, cluster, clusterToken) = (spec[0], Guid.Parse(spec[1]), Guid.Parse(spec[2]), spec[3]);
        long version = long.Parse(spec[4], CultureInfo.InvariantCulture);
        int count = int.Parse(spec[5], CultureInfo.InvariantCulture);
        var nodes = new List<(Guid Id, string Token)>();
        while (input.ReadLine() is { Length: > 0 } line)
        {
            string[] node = line.Split(' ');
            nodes.Add((Guid.Parse(node[0]), node[1]));
        }
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = new Uri(address),
            Timeout = TimeSpan.FromSeconds(70),
        };
        var polls = Enumerable.Range(0, count).Select(async i =>
        {
            var (nodeId, nodeToken) = nodes[i % nodes.Count];
            using var request = Request(HttpMethod.Get, $"/v1/config/version?current_version={version}&wait=60", tenant, cluster, clusterToken, nodeId, nodeToken);
            using var response = await client.SendAsync(request);
            var body = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ConfigVersionResponse) : null;
            return new Answer((int)response.StatusCode, body?.LatestVersion ?? -1, Stopwatch.GetTimestamp());
        }).ToArray();
        foreach (var answer in await Task.WhenAll(polls))
        {
            output.WriteLine(answer);
        }
        return 0;
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, Guid tenant, Guid cluster, string clusterToken, Guid nodeId, string nodeToken)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(NebulaHeaders.TenantId, tenant.ToString());
        request.Headers.Add(NebulaHeaders.ClusterId, cluster.ToString());
        request.Headers.Add(NebulaHeaders.NodeId, nodeId.ToString());
        request.Headers.Add(NebulaHeaders.NodeToken, nodeToken);
        request.Headers.Add(NebulaHeaders.ClusterToken, clusterToken);
        return request;
    }

    public sealed record Answer(int Status, long Version, long AnsweredAt)
    {
        public static Answer Parse(string line)
        {
            string[] parts = line.Split(' ');
            return new Answer(int.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Status} {Version} {AnsweredAt}");
    }
}

