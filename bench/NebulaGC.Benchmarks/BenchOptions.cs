using System.Globalization;

namespace NebulaGC.Benchmarks;

/// <summary>
/// What to measure and how hard. The full setting is what <c>build.ps1 Bench</c> runs; <c>--tiny</c> is the same code on
/// numbers small enough for a test to check that the harness runs (its figures mean nothing).
/// </summary>
/// <param name="OutDirectory">Where results.md and results.json go (<c>--out</c>, default <c>out/bench</c>).</param>
/// <param name="PublishDirectory">The Native AOT binaries as shipped (<c>--publish</c>, default <c>out/publish</c>).</param>
/// <param name="BaselineAssembly">The bare Kestrel app (<c>--baseline</c>); its throughput is the ceiling.</param>
/// <param name="ModuleDirectory">The packaged PowerShell module (<c>--module</c>, <c>out/NebulaGC/&lt;version&gt;</c>).</param>
/// <param name="Pwsh">The pwsh executable that times <c>New-NebulaGCK8sManifest</c> (<c>--pwsh</c>).</param>
public sealed record BenchOptions(string OutDirectory, string PublishDirectory, string? BaselineAssembly, string? ModuleDirectory, string? Pwsh)
{
    public bool Tiny { get; init; }

    /// <summary>Sections to run (<c>--only http,long-poll</c>, matched by the start of their names); empty runs them all.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    public bool Runs(string section) => Only.Count == 0 || Only.Any(o => section.StartsWith(o, StringComparison.OrdinalIgnoreCase));

    /// <summary>Nodes seeded for the HTTP runs: enough that no node reaches the per-node limit (100 a minute).</summary>
    public int SeededNodes => Tiny ? 40 : 6_000;

    public int WrkConnections => Tiny ? 4 : 64;

    public int WrkThreads => Tiny ? 1 : 2;

    public TimeSpan WrkWarmUp => Tiny ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(3);

    public TimeSpan WrkDuration => Tiny ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);

    public int WakeUpPolls => Tiny ? 20 : 1_000;

    public int IdleWaiters => Tiny ? 100 : 10_000;

    public int CertificatesSigned => Tiny ? 50 : 10_000;

    public int BundleRenders => Tiny ? 20 : 2_000;

    public int ManifestRuns => Tiny ? 1 : 5;

    public static BenchOptions Parse(string[] args)
    {
        string root = Directory.GetCurrentDirectory();
        string? Value(string name)
        {
            int index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }
        return new BenchOptions(
            Path.GetFullPath(Value("--out") ?? Path.Combine(root, "out", "bench")),
            Path.GetFullPath(Value("--publish") ?? Path.Combine(root, "out", "publish")),
            Value("--baseline") is { } baseline ? Path.GetFullPath(baseline) : null,
            Value("--module") is { } module ? Path.GetFullPath(module) : null,
            Value("--pwsh"))
        {
            Tiny = args.Contains("--tiny"),
            Only = Value("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
        };
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(Tiny ? "tiny" : "full")}: {SeededNodes} nodes, wrk {WrkThreads} threads × {WrkConnections} connections for {WrkDuration.TotalSeconds:F0} s, {WakeUpPolls} wake-up polls, {IdleWaiters} idle waiters");
}
