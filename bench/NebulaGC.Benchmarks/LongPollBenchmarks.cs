using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Hosting;
using NebulaGC.Server.Observability;
using NebulaGC.Server.Security;
using NebulaGC.Server.Services;

namespace NebulaGC.Benchmarks;

/// <summary>The long-poll path: how fast a change reaches 1,000 waiting daemons, and what an idle waiter costs in memory.</summary>
public static class LongPollBenchmarks
{
    public const double WakeUpGoalMilliseconds = 100.0;
    public const double BytesPerWaiterGoal = 16 * 1024;

    /// <summary>
    /// The real server in this process (Kestrel on 127.0.0.1, a temp SQLite file), a managed cluster of 20 nodes, N
    /// concurrent <c>GET /v1/config/version?current_version=n&amp;wait=60</c> from a child process, then one change through
    /// the API. Latency is counted per response, from the moment the server announces the committed version
    /// (<see cref="ConfigVersionFeed"/>, which long-polls wake on) to the client holding the full response.
    /// </summary>
    public static async Task WakeUpAsync(BenchOptions options, string work, BenchReport report)
    {
        const int nodeCount = 20;
        int pollCount = options.WakeUpPolls;
        var serverOptions = new ServerOptions
        {
            Listen = "127.0.0.1:0",
            DbPath = Path.Combine(work, "wake-up.db"),
            Role = NebulaGC.Server.Domain.ServerRole.Master,
            InstanceId = "bench",
            // The polls and the change all come from 127.0.0.1: more than the default per-address cap of 1,000.
            MaxConnectionsPerIp = pollCount + 100,
        };
        var logger = ServerLogger.Create("warning", "json", TextWriter.Null);
        var app = ServerHost.Build(serverOptions, HmacSecret.FromString(SeededDatabase.Secret), logger, TimeProvider.System);
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
                .Select(n => new NodeCredentials(tenant.TenantId, cluster.ClusterId, cluster.ClusterToken, n.NodeId, n.NodeToken))
                .ToArray();

            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
            var versions = app.Services.GetRequiredService<ConfigVersions>();
            var waiters = app.Services.GetRequiredService<ConfigVersionWaiters>();
            var adminCredentials = new NodeCredentials(tenant.TenantId, cluster.ClusterId, cluster.ClusterToken, admin.NodeId, admin.NodeToken);

            // One round: N polls parked on the cluster's current version, one change, every answer's delay from the commit.
            async Task<(LongPollClients.Answer[] Answers, long Version, double ParkSeconds, double ChangeMilliseconds)> RoundAsync(int polls, int mtu)
            {
                long version = versions.Current(cluster.ClusterId);
                // The polls run in a child process, as daemons run on other machines: in this process their response handling
                // would queue on the server's own thread pool and be counted as server latency. Both processes read the same
                // monotonic clock (Stopwatch), so the child's answer stamps compare with the commit stamp taken here.
                clients = LongPollClients.Start(address, version, polls, nodes);
                var clientOutput = clients.StandardOutput.ReadToEndAsync();
                var clientErrors = clients.StandardError.ReadToEndAsync();

                var waitingSince = Stopwatch.StartNew();
                while (waiters.CountWaiting(cluster.ClusterId) < polls)
                {
                    if (waitingSince.Elapsed > TimeSpan.FromSeconds(45) || clients.HasExited)
                    {
                        throw new TimeoutException($"only {waiters.CountWaiting(cluster.ClusterId)} of {polls} polls were waiting after {waitingSince.Elapsed.TotalSeconds:F0} s; client process: {await clientErrors}");
                    }
                    await Task.Delay(20);
                }
                double parkSeconds = waitingSince.Elapsed.TotalSeconds;
                // Counted as waiting once subscribed; give the last ones a moment to reach their await.
                await Task.Delay(200);

                // Earlier changes published versions too: only the change below may stamp the commit.
                Interlocked.Exchange(ref committedAt, 0);
                long sentAt = Stopwatch.GetTimestamp();
                double changeMilliseconds;
                using (var change = LongPollClients.Request(HttpMethod.Patch, $"/v1/nodes/{nodes[0].NodeId}/mtu", adminCredentials))
                {
                    change.Content = JsonContent.Create(new UpdateMtuRequest(mtu), ContractsJsonContext.Default.UpdateMtuRequest);
                    using var changed = await client.SendAsync(change);
                    changeMilliseconds = Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds;
                    if (!changed.IsSuccessStatusCode)
                    {
                        throw new InvalidOperationException($"the change (PATCH mtu) failed with {(int)changed.StatusCode}: {await changed.Content.ReadAsStringAsync()}");
                    }
                }
                if (!clients.WaitForExit(TimeSpan.FromSeconds(75)))
                {
                    throw new TimeoutException("the polls did not all answer within 75 s");
                }
                var answers = (await clientOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(LongPollClients.Answer.Parse).ToArray();
                if (clients.ExitCode != 0 || answers.Length != polls)
                {
                    throw new InvalidOperationException($"the client process exited {clients.ExitCode} with {answers.Length} answers: {await clientErrors}");
                }
                clients.Dispose();
                clients = null;
                return (answers, version, parkSeconds, changeMilliseconds);
            }

            // A first, small round runs the wake-up path once, as a long-running server has (this in-process server is
            // JIT-compiled; the AOT server as shipped has nothing to compile).
            await RoundAsync(Math.Min(pollCount, 20), 1399);
            var (measured, before, park, changeTook) = await RoundAsync(pollCount, 1400);
            int woken = measured.Count(a => a.Status == 200 && a.Version > before);
            double[] fromCommit = measured.Select(a => Stopwatch.GetElapsedTime(committedAt, a.AnsweredAt).TotalMilliseconds).Order().ToArray();
            double p50 = fromCommit[pollCount / 2];
            double p99 = fromCommit[pollCount * 99 / 100];
            string detail = string.Create(CultureInfo.InvariantCulture,
                $"{woken}/{pollCount} woken with the new version; parked in {park:F1} s; min {fromCommit[0]:F1} ms, max {fromCommit[^1]:F1} ms; the change's PATCH took {changeTook:F1} ms");
            report.Add($"long-poll wake-up p50, {pollCount} waiters", p50, "ms", "report", null);
            report.Add($"long-poll wake-up p99, {pollCount} waiters", p99, "ms", $"≤ {WakeUpGoalMilliseconds} ms", woken == pollCount && p99 <= WakeUpGoalMilliseconds, detail);
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
        }
    }

    /// <summary>
    /// The AOT server's resident memory with N long-polls parked, less its memory warmed up and idle, per poll. Parked
    /// means: all N connections are established and the server has used no CPU for half a second (it is not still
    /// reading or authenticating requests), so the memory measured is what waiting costs.
    /// </summary>
    public static async Task IdleMemoryAsync(BenchOptions options, SeededDatabase database, string work, BenchReport report)
    {
        int pollCount = options.IdleWaiters;
        using var server = await ServerProcess.StartServerAsync(options.PublishDirectory, database.Path, work);
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        // Warm up the paths a poll takes (auth, version read, JSON answer) so their one-time allocations are in the idle figure.
        long version = 0;
        for (int i = 0; i < 200; i++)
        {
            using var request = LongPollClients.Request(HttpMethod.Get, "/v1/config/version", database.Nodes[i % database.Nodes.Count]);
            using var response = await client.SendAsync(request);
            version = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ConfigVersionResponse))!.LatestVersion;
        }
        await Machine.WaitUntilIdleAsync(server.Id, TimeSpan.FromSeconds(30));
        long idle = Machine.ResidentBytes(server.Id);

        using var clients = LongPollClients.Start(server.BaseUrl, version, pollCount, database.Nodes);
        try
        {
            var clientErrors = clients.StandardError.ReadToEndAsync();
            _ = clients.StandardOutput.ReadToEndAsync();
            var waitingSince = Stopwatch.StartNew();
            int port = new Uri(server.BaseUrl).Port;
            int connected;
            while ((connected = Machine.EstablishedConnections(port)) < pollCount)
            {
                if (waitingSince.Elapsed > TimeSpan.FromSeconds(45) || clients.HasExited)
                {
                    throw new TimeoutException($"only {connected} of {pollCount} polls were connected after {waitingSince.Elapsed.TotalSeconds:F0} s; client process: {(clients.HasExited ? await clientErrors : "running")}");
                }
                await Task.Delay(100);
            }
            await Machine.WaitUntilIdleAsync(server.Id, TimeSpan.FromSeconds(45) - waitingSince.Elapsed);
            double parkSeconds = waitingSince.Elapsed.TotalSeconds;
            long loaded = Machine.ResidentBytes(server.Id);
            if (clients.HasExited)
            {
                throw new InvalidOperationException($"the polls answered before they were measured: {await clientErrors}");
            }
            double perWaiter = (double)(loaded - idle) / pollCount;
            report.Add($"server RSS per idle long-poll, {pollCount} waiters", perWaiter / 1024, "KB", $"≤ {BytesPerWaiterGoal / 1024:F0} KB", perWaiter <= BytesPerWaiterGoal,
                string.Create(CultureInfo.InvariantCulture, $"RSS {idle / 1048576.0:F1} MB idle, {loaded / 1048576.0:F1} MB with the polls parked (in {parkSeconds:F1} s)"));
        }
        finally
        {
            if (!clients.HasExited)
            {
                clients.Kill(entireProcessTree: true);
            }
        }
    }
}

/// <summary>
/// The polling side of the long-poll benchmarks, run as a child process of this program (<c>--long-poll-clients</c>).
/// Reads from stdin a line <c>address version count</c>, then one line per node with its five credentials; opens
/// <c>count</c> concurrent long-polls (spread over the nodes) and, once all have answered, writes one line per answer:
/// <c>status latest-version stopwatch-timestamp</c>.
/// </summary>
public static class LongPollClients
{
    public const string Mode = "--long-poll-clients";

    /// <summary>Plain version reads each client process answers before it starts polling.</summary>
    public const int WarmUpReads = 20;

    public static Process Start(string address, long version, int count, IReadOnlyList<NodeCredentials> nodes)
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
        var process = Process.Start(startInfo)!;
        process.StandardInput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{address} {version} {count}"));
        foreach (var n in nodes)
        {
            process.StandardInput.WriteLine($"{n.TenantId} {n.ClusterId} {n.ClusterToken} {n.NodeId} {n.NodeToken}");
        }
        process.StandardInput.Close();
        return process;
    }

    public static async Task<int> RunAsync(TextReader input, TextWriter output)
    {
        string[] spec = input.ReadLine()!.Split(' ');
        string address = spec[0];
        long version = long.Parse(spec[1], CultureInfo.InvariantCulture);
        int count = int.Parse(spec[2], CultureInfo.InvariantCulture);
        var nodes = new List<NodeCredentials>();
        while (input.ReadLine() is { Length: > 0 } line)
        {
            string[] n = line.Split(' ');
            nodes.Add(new NodeCredentials(Guid.Parse(n[0]), Guid.Parse(n[1]), n[2], Guid.Parse(n[3]), n[4]));
        }
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = new Uri(address),
            Timeout = TimeSpan.FromSeconds(70),
        };
        // Daemons are long-running: answer a few plain reads first, so the first woken answers do not wait for this
        // process to JIT-compile its response path (that alone put an 80 ms floor under every wake-up).
        for (int i = 0; i < WarmUpReads; i++)
        {
            using var warmUp = Request(HttpMethod.Get, "/v1/config/version", nodes[i % nodes.Count]);
            using var answered = await client.SendAsync(warmUp);
            answered.EnsureSuccessStatusCode();
            await answered.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ConfigVersionResponse);
        }
        var polls = Enumerable.Range(0, count).Select(async i =>
        {
            using var request = Request(HttpMethod.Get, $"/v1/config/version?current_version={version}&wait=60", nodes[i % nodes.Count]);
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

    public static HttpRequestMessage Request(HttpMethod method, string path, NodeCredentials node)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(NebulaHeaders.TenantId, node.TenantId.ToString());
        request.Headers.Add(NebulaHeaders.ClusterId, node.ClusterId.ToString());
        request.Headers.Add(NebulaHeaders.NodeId, node.NodeId.ToString());
        request.Headers.Add(NebulaHeaders.NodeToken, node.NodeToken);
        request.Headers.Add(NebulaHeaders.ClusterToken, node.ClusterToken);
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
