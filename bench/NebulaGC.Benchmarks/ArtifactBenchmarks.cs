using System.Diagnostics;
using System.Globalization;

namespace NebulaGC.Benchmarks;

/// <summary>What ships: AOT binary sizes, container image sizes, and the toolkit's render time as a user meets it.</summary>
public static class ArtifactBenchmarks
{
    public const double ServerImageGoalMegabytes = 35;
    public const double DaemonImageGoalMegabytes = 30;

    public static void BinarySizes(BenchOptions options, BenchReport report)
    {
        foreach (string name in new[] { "nebulagc-server", "nebulagc" })
        {
            var file = new FileInfo(Path.Combine(options.PublishDirectory, name));
            if (!file.Exists)
            {
                throw new FileNotFoundException($"no AOT binary '{file.FullName}': run `dotnet pwsh ./build.ps1 Publish` first");
            }
            report.Add($"AOT binary {name}", file.Length / 1048576.0, "MB", "report", null, "linux-x64, glibc");
        }
    }

    /// <summary>
    /// Renders both Dockerfiles with the packaged module, builds them with buildah from the AOT binaries (see
    /// <see cref="ContainerImages"/>) and reports their sizes.
    /// </summary>
    public static void ImageSizes(BenchOptions options, string work, BenchReport report)
    {
        string rendered = Path.Combine(work, "dockerfiles");
        foreach (string component in new[] { "Server", "Daemon" })
        {
            RunPwsh(options, $"New-NebulaGCDockerfile -Component {component} -Path '{rendered}' | Out-Null");
        }
        using var images = new ContainerImages(Path.Combine(work, "images"));
        foreach (var (component, goal) in new[] { ("server", ServerImageGoalMegabytes), ("daemon", DaemonImageGoalMegabytes) })
        {
            string image = images.Build(component, Path.Combine(rendered, $"Dockerfile.{component}"), options.PublishDirectory);
            double megabytes = images.SizeBytes(image) / 1_000_000.0;
            report.Add($"{component} image", megabytes, "MB", $"≤ {goal} MB", megabytes <= goal,
                "FROM scratch + AOT binary + nebula + the ldd libraries (glibc); the rendered default base is runtime-deps:10.0-alpine");
        }
    }

    /// <summary>Wall time of one <c>New-NebulaGCK8sManifest</c> in a fresh pwsh, as a user runs it, and of pwsh starting alone.</summary>
    public static void K8sManifestTime(BenchOptions options, string work, BenchReport report)
    {
        var total = new List<double>();
        var startOnly = new List<double>();
        for (int i = 0; i < options.ManifestRuns; i++)
        {
            string output = Path.Combine(work, $"k8s-{i}");
            total.Add(RunPwsh(options, $"New-NebulaGCK8sManifest -Topology Single -Path '{output}' | Out-Null").TotalSeconds);
            startOnly.Add(RunPwsh(options, "", importModule: false).TotalSeconds);
        }
        double median = Median(total);
        report.Add("New-NebulaGCK8sManifest wall time incl. pwsh start (median)", median, "s", "report (was ~2.0 s)", null,
            string.Create(CultureInfo.InvariantCulture, $"{options.ManifestRuns} runs; pwsh start alone {Median(startOnly):F2} s"));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static TimeSpan RunPwsh(BenchOptions options, string command, bool importModule = true)
    {
        string pwsh = options.Pwsh ?? Machine.Which("pwsh") ?? throw new ArgumentException("--pwsh is required (the pwsh executable)");
        string module = options.ModuleDirectory ?? throw new ArgumentException("--module is required (out/NebulaGC/<version>, from build.ps1 Package)");
        var startInfo = new ProcessStartInfo(pwsh)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-NoProfile", "-NonInteractive", "-Command", importModule ? $"Import-Module '{Path.Combine(module, "NebulaGC.psd1")}'; {command}" : "exit 0" },
            Environment = { ["NO_COLOR"] = "1" },
        };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(startInfo)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var elapsed = stopwatch.Elapsed;
        return process.ExitCode == 0 ? elapsed : throw new InvalidOperationException($"pwsh -Command \"{command}\" failed ({process.ExitCode}): {stdout} {stderr.Result}");
    }
}
