using System.Diagnostics;

namespace NebulaGC.Benchmarks;

/// <summary>
/// Builds the toolkit's rendered Dockerfiles for real with <c>buildah</c> and runs them with <c>podman</c>, with no
/// registry: the Dockerfiles take their base stages as build arguments, and this supplies local ones. The publish stage
/// becomes an image holding the Native AOT binaries already published to <c>out/publish</c> (plus this machine's
/// <c>nebula</c>), so the source build stage is skipped; the runtime base is <c>FROM scratch</c> with exactly the shared
/// libraries <c>ldd</c> lists for those binaries, plus the OpenSSL libraries .NET loads at run time (<c>dlopen</c>, which
/// <c>ldd</c> cannot see). Every instruction of the rendered runtime stage runs as written.
/// Storage (vfs) lives under a work directory of its own, so parallel runs and other users of buildah do not meet.
/// Shared by the benchmark (image sizes) and the toolkit's container tests (build, run, healthz).
/// </summary>
public sealed class ContainerImages : IDisposable
{
    /// <summary>Libraries .NET opens with dlopen for cryptography (HMAC, SHA-256, TLS): absent from <c>ldd</c>'s list.</summary>
    private static readonly string[] DynamicallyOpened = ["libssl.so.3", "libcrypto.so.3"];

    private readonly string _work;
    private readonly string[] _storage;

    public ContainerImages(string workDirectory)
    {
        _work = workDirectory;
        Directory.CreateDirectory(_work);
        _storage = ["--storage-driver", "vfs", "--root", Path.Combine(_work, "storage"), "--runroot", Path.Combine(_work, "run")];
    }

    /// <summary>The binaries an image of <paramref name="component"/> carries: its own and nebula.</summary>
    public static string BinaryName(string component) => component == "server" ? "nebulagc-server" : "nebulagc";

    /// <summary>
    /// Builds <paramref name="dockerfile"/> (rendered by <c>New-NebulaGCDockerfile</c>) into <c>localhost/nebulagc-{component}:bench</c>
    /// from the AOT binaries in <paramref name="publishDirectory"/>; returns the image name.
    /// </summary>
    public string Build(string component, string dockerfile, string publishDirectory)
    {
        string binary = Path.Combine(publishDirectory, BinaryName(component));
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException($"no AOT binary '{binary}': run `dotnet pwsh ./build.ps1 Publish` first", binary);
        }
        string nebula = Which("nebula") ?? throw new FileNotFoundException("nebula is not installed (apt-get install -y nebula)");
        string context = Path.Combine(_work, "context-" + component);
        if (Directory.Exists(context))
        {
            Directory.Delete(context, recursive: true);
        }

        // The publish stage's output: /out/<binary>, the native libraries published beside it (SQLite), /out/nebula and the
        // empty /out/state/ the runtime stage copies to make its writable directories without a RUN.
        string publish = Path.Combine(context, "publish");
        Directory.CreateDirectory(Path.Combine(publish, "state"));
        File.Copy(binary, Path.Combine(publish, Path.GetFileName(binary)));
        foreach (string library in Directory.GetFiles(publishDirectory, "*.so"))
        {
            File.Copy(library, Path.Combine(publish, Path.GetFileName(library)));
        }
        File.Copy(nebula, Path.Combine(publish, "nebula"));

        // The runtime base: the libraries at the paths the dynamic loader looks for them, and the directories a
        // distribution base has (the rendered Dockerfile copies into /var/lib and /run).
        string runtime = Path.Combine(context, "runtime");
        foreach (string directory in new[] { "var/lib", "run", "tmp", "etc" })
        {
            Directory.CreateDirectory(Path.Combine(runtime, directory));
        }
        foreach (string library in SharedLibraries([binary, nebula, .. Directory.GetFiles(publishDirectory, "*.so")]))
        {
            string target = Path.Combine(runtime, library.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(ResolveLinks(library), target, overwrite: true);
        }

        File.WriteAllText(Path.Combine(context, "Containerfile.publish"), "FROM scratch\nCOPY publish/ /out/\n");
        File.WriteAllText(Path.Combine(context, "Containerfile.runtime"), "FROM scratch\nCOPY runtime/ /\n");
        File.Copy(dockerfile, Path.Combine(context, "Dockerfile"));
        string publishImage = $"localhost/nebulagc-{component}-publish:bench";
        string runtimeImage = $"localhost/nebulagc-{component}-runtime:bench";
        string image = $"localhost/nebulagc-{component}:bench";
        Buildah(context, "bud", "--isolation", "chroot", "-f", "Containerfile.publish", "-t", publishImage, ".");
        Buildah(context, "bud", "--isolation", "chroot", "-f", "Containerfile.runtime", "-t", runtimeImage, ".");
        Buildah(context, "bud", "--isolation", "chroot", "--format", "docker",
            "--build-arg", $"PUBLISH_STAGE={publishImage}", "--build-arg", $"RUNTIME_IMAGE={runtimeImage}",
            "-f", "Dockerfile", "-t", image, ".");
        return image;
    }

    /// <summary>The image's size in bytes, uncompressed, as <c>podman images</c> shows it.</summary>
    public long SizeBytes(string image) =>
        long.Parse(Podman("image", "inspect", "--format", "{{.Size}}", image).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Runs podman on this storage (runc, the host network, file limits a rootful podman here accepts) and returns stdout;
    /// throws with stderr when it fails.
    /// </summary>
    public string Podman(params string[] arguments)
    {
        var result = Run("podman", [.. _storage, "--runtime", "runc", "--cgroup-manager", "cgroupfs", .. arguments], _work);
        return result.ExitCode == 0 ? result.StdOut : throw new InvalidOperationException($"podman {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StdErr}");
    }

    /// <summary>Starts a container detached; returns its id.</summary>
    public string RunDetached(string image, params string[] options) => Podman(["run", "-d", .. RunOptions, .. options, image]).Trim();

    /// <summary>Runs <paramref name="command"/> (arguments to the image's entrypoint, or to <paramref name="entrypoint"/>) to its end; returns stdout.</summary>
    public string RunToEnd(string image, string? entrypoint, params string[] command) =>
        Podman(["run", "--rm", .. RunOptions, .. entrypoint is null ? Array.Empty<string>() : ["--entrypoint", entrypoint], image, .. command]);

    /// <summary>What every container here needs: the host network (no CNI setup), and file limits a rootful podman here accepts.</summary>
    private static readonly string[] RunOptions = ["--network", "host", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

    public void Dispose()
    {
        Run("podman", [.. _storage, "rm", "--all", "--force"], _work);
        Run("buildah", [.. _storage, "rm", "--all"], _work);
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Buildah(string context, params string[] arguments)
    {
        var result = Run("buildah", [.. _storage, .. arguments], context);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"buildah {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.StdOut}\n{result.StdErr}");
        }
    }

    /// <summary>Absolute paths of the libraries the binaries load: ldd's list (with the loader) and the dlopen'd ones.</summary>
    private static SortedSet<string> SharedLibraries(IEnumerable<string> binaries)
    {
        var libraries = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string binary in binaries)
        {
            var ldd = Run("ldd", [binary], null);
            foreach (string line in ldd.StdOut.Split('\n'))
            {
                // "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
                string path = line.Contains("=>", StringComparison.Ordinal) ? line.Split("=>")[1].Trim() : line.Trim();
                path = path.Split(' ')[0];
                if (path.StartsWith('/'))
                {
                    libraries.Add(path);
                }
            }
        }
        string libc = libraries.First(l => Path.GetFileName(l).StartsWith("libc.so", StringComparison.Ordinal));
        foreach (string name in DynamicallyOpened)
        {
            string path = Path.Combine(Path.GetDirectoryName(libc)!, name);
            libraries.Add(File.Exists(path) ? path : throw new FileNotFoundException($"{name} is not installed beside {libc}", path));
        }
        return libraries;
    }

    private static string ResolveLinks(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static (int ExitCode, string StdOut, string StdErr) Run(string fileName, string[] arguments, string? workingDirectory)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
