namespace NebulaGC.Benchmarks;

/// <summary>
/// Authenticated <c>GET /v1/config/version</c> on the AOT server against the same request on bare Kestrel, measured by
/// wrk in the same run: the ratio says how much of the machine's HTTP ceiling the server's own work leaves.
/// </summary>
public static class HttpBenchmark
{
    public const double RatioGoal = 0.5;
    public const double P99GoalMilliseconds = 5.0;

    public static async Task RunAsync(BenchOptions options, SeededDatabase database, string work, BenchReport report)
    {
        string script = Wrk.WriteScript(Path.Combine(work, "nodes.lua"), database.Nodes);
        string shape = $"wrk {options.WrkThreads} threads, {options.WrkConnections} connections, {options.WrkDuration.TotalSeconds:F0} s, {database.Nodes.Count} nodes in turn";

        WrkResult baseline;
        double baselineCpu;
        if (options.BaselineAssembly is null)
        {
            throw new ArgumentException("--baseline (the NebulaGC.KestrelBaseline assembly) is required for the HTTP comparison");
        }
        using (var kestrel = await ServerProcess.StartBaselineAsync(options.BaselineAssembly))
        {
            Wrk.Run(kestrel.BaseUrl, script, options.WrkThreads, options.WrkConnections, options.WrkWarmUp);
            (baseline, baselineCpu) = Measure(kestrel, script, options);
        }
        report.Add("bare Kestrel, GET /v1/config/version", baseline.RequestsPerSecond, "req/s", "ceiling", null,
            $"p50 {baseline.P50Milliseconds:F2} ms, p99 {baseline.P99Milliseconds:F2} ms, {baselineCpu:F0} µs CPU per request; {shape}");

        WrkResult server;
        double serverCpu;
        using (var aot = await ServerProcess.StartServerAsync(options.PublishDirectory, database.Path, work))
        {
            Wrk.Run(aot.BaseUrl, script, options.WrkThreads, options.WrkConnections, options.WrkWarmUp);
            (server, serverCpu) = Measure(aot, script, options);
        }
        report.Add("nebulagc-server (AOT), authenticated GET /v1/config/version", server.RequestsPerSecond, "req/s", "report", null,
            $"{server.Requests} requests, {server.Non2xx} not 2xx; p50 {server.P50Milliseconds:F2} ms, {serverCpu:F0} µs CPU per request; {shape}");
        double ratio = server.RequestsPerSecond / baseline.RequestsPerSecond;
        report.Add("server ÷ bare Kestrel throughput", ratio, "×", $"≥ {RatioGoal}×", ratio >= RatioGoal && server.Non2xx == 0,
            server.Non2xx == 0 ? "" : $"{server.Non2xx} answers were not 2xx, so the figure does not count");
        report.Add($"server p99 latency at {options.WrkConnections} connections", server.P99Milliseconds, "ms", $"≤ {P99GoalMilliseconds} ms", server.P99Milliseconds <= P99GoalMilliseconds);
    }

    /// <summary>
    /// One measured wrk run and the server's CPU time per request over it: on a machine other processes load, throughput
    /// and latency mostly measure waiting for a core, CPU per request much less so.
    /// </summary>
    private static (WrkResult Result, double CpuMicroseconds) Measure(ServerProcess server, string script, BenchOptions options)
    {
        long before = Machine.CpuTicks(server.Id);
        var result = Wrk.Run(server.BaseUrl, script, options.WrkThreads, options.WrkConnections, options.WrkDuration);
        double microseconds = (Machine.CpuTicks(server.Id) - before) * 1_000_000.0 / Machine.ClockTicksPerSecond / result.Requests;
        return (result, microseconds);
    }
}
