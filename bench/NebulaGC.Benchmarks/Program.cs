using NebulaGC.Benchmarks;

// build.ps1 Bench: every speed, memory and size goal of the project, measured in one run on this machine and written as
// out/bench/results.md and results.json, each figure next to its goal. Exit code 0 when every goal is met, 1 when one is
// missed, 2 when the harness itself could not run. Machines are noisy, so this is never part of the test command; a
// test only runs it with --tiny.
if (args is [LongPollClients.Mode, ..])
{
    // The child half of the long-poll benchmarks: the polling daemons, in their own process (see LongPollClients).
    return await LongPollClients.RunAsync(Console.In, Console.Out);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
var report = new BenchReport();
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {report.LoadBefore}; {options}");
string work = Directory.CreateTempSubdirectory("nebulagc-bench-").FullName;
try
{
    // Each section reports its own failure as a missed goal, so one broken part still leaves the others' figures.
    async Task Section(string name, Func<Task> run)
    {
        if (!options.Runs(name))
        {
            return;
        }
        try
        {
            await run();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            report.Failed(name, ex);
        }
    }

    SeededDatabase? database = null;
    if (options.Runs("HTTP throughput") || options.Runs("idle long-poll memory"))
    {
        try
        {
            database = await SeededDatabase.CreateAsync(Path.Combine(work, "seeded.db"), options.SeededNodes);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            report.Failed("seeding the database", ex);
        }
    }
    if (database is not null)
    {
        await Section("HTTP throughput", () => HttpBenchmark.RunAsync(options, database, work, report));
        await Section("idle long-poll memory", () => LongPollBenchmarks.IdleMemoryAsync(options, database, work, report));
    }
    await Section("long-poll wake-up", () => LongPollBenchmarks.WakeUpAsync(options, work, report));
    await Section("certificate signing", () => Task.Run(() => PkiAndRenderBenchmarks.Signing(options, report)));
    await Section("bundle rendering", () => Task.Run(() => PkiAndRenderBenchmarks.Rendering(options, report)));
    await Section("AOT binary sizes", () => Task.Run(() => ArtifactBenchmarks.BinarySizes(options, report)));
    if (!options.Tiny)
    {
        // The toolkit's container tests build the same images on every test run; the tiny run leaves them to those.
        await Section("container images", () => Task.Run(() => ArtifactBenchmarks.ImageSizes(options, work, report)));
    }
    await Section("New-NebulaGCK8sManifest", () => Task.Run(() => ArtifactBenchmarks.K8sManifestTime(options, work, report)));

    var (markdown, json) = report.Write(options.OutDirectory, options.Tiny);
    Console.WriteLine($"results: {markdown}, {json}");
    return report.AllMet ? 0 : 1;
}
finally
{
    try
    {
        Directory.Delete(work, recursive: true);
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"could not remove {work}: {ex.Message}");
    }
}
