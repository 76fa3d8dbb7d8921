using System.Diagnostics;

namespace NebulaGC.Benchmarks;

/// <summary>
/// A process serving HTTP on a loopback port: the AOT <c>nebulagc-server</c> as shipped, or the bare Kestrel baseline.
/// Started, waited for until it answers, and killed on dispose.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private ServerProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        _stderr = process.StandardError.ReadToEndAsync();
        // Nobody reads the server's log: drain it so a full pipe can never block the server.
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
    }

    public string BaseUrl { get; }

    public int Id => _process.Id;

    /// <summary>
    /// The AOT server as <c>serve --master</c> on <paramref name="databasePath"/>, warnings only (per-request logging is
    /// not what is measured), with the metrics listener on <paramref name="metricsPort"/> when given.
    /// </summary>
    public static Task<ServerProcess> StartServerAsync(string publishDirectory, string databasePath, string workDirectory, int? metricsPort = null)
    {
        int port = Machine.FreePort();
        var startInfo = new ProcessStartInfo(Path.Combine(publishDirectory, "nebulagc-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // All benchmark clients connect from 127.0.0.1: the per-address cap (1,000 by default) must admit 10,000 long-polls.
            ArgumentList =
            {
                "serve", "--master", "--db", databasePath, "--listen", $"127.0.0.1:{port}", "--instance-id", "bench",
                "--max-connections-per-ip", "20000",
            },
        };
        if (metricsPort is { } metrics)
        {
            startInfo.ArgumentList.Add("--metrics-addr");
            startInfo.ArgumentList.Add($"127.0.0.1:{metrics}");
        }
        startInfo.Environment["NEBULAGC_HMAC_SECRET"] = SeededDatabase.Secret;
        startInfo.Environment["NEBULAGC_ADMIN_SOCKET"] = Path.Combine(workDirectory, $"admin-{port}.sock");
        startInfo.Environment["NEBULAGC_LIGHTHOUSE_DIR"] = Path.Combine(workDirectory, "lighthouses");
        startInfo.Environment["NEBULAGC_LOG_LEVEL"] = "warning";
        return StartAsync(startInfo, $"http://127.0.0.1:{port}", "/v1/readyz");
    }

    /// <summary>The bare Kestrel app under <c>dotnet</c>, JIT-compiled (tiered PGO makes it the harder ceiling).</summary>
    public static Task<ServerProcess> StartBaselineAsync(string assembly)
    {
        int port = Machine.FreePort();
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { assembly, "--urls", $"http://127.0.0.1:{port}" },
        };
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return StartAsync(startInfo, $"http://127.0.0.1:{port}", "/v1/config/version");
    }

    private static async Task<ServerProcess> StartAsync(ProcessStartInfo startInfo, string baseUrl, string readyPath)
    {
        var server = new ServerProcess(Process.Start(startInfo)!, baseUrl);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"{startInfo.FileName} exited with {server._process.ExitCode}: {await server._stderr}");
            }
            try
            {
                using var response = await client.GetAsync(baseUrl + readyPath);
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                server.Dispose();
                throw new TimeoutException($"{startInfo.FileName} did not answer {readyPath} within 60 s");
            }
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
