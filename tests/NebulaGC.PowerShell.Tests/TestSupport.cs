using System.Diagnostics;
using System.Text;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Tests;

/// <summary>A temp directory per test, deleted afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("nebulagc-toolkit-").FullName;
    }

    /// <summary>A temp directory under <paramref name="root"/> (e.g. /dev/shm, memory-backed).</summary>
    public TempDir(string root)
    {
        Path = System.IO.Path.Combine(root, "nebulagc-toolkit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
}

public static class TestSupport
{
    /// <summary>The repository root (the directory holding NebulaGC.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>npm tools installed by build.ps1 Test (build/ToolkitPrerequisites.ps1).</summary>
    public static string NpmModules => Path.Combine(RepoRoot, "out", "tools", "npm", "node_modules");

    public static string LitestreamBinary => Path.Combine(NpmModules, "@flydotio", "litestream-linux-x64", "litestream");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NebulaGC.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("NebulaGC.sln not found above " + AppContext.BaseDirectory);
    }

    public static RenderContext Context(DeploymentSettings? settings = null, string? templateDir = null, IReporter? reporter = null)
    {
        reporter ??= new RecordingReporter();
        return new RenderContext(new TemplateEngine(templateDir, reporter), settings ?? new DeploymentSettings(), reporter);
    }

    /// <summary>Writes the files under <paramref name="dir"/> and returns them.</summary>
    public static IReadOnlyList<RenderedFile> WriteTo(string dir, IReadOnlyList<RenderedFile> files)
    {
        ArtifactWriter.WriteAll(dir, files, new RecordingReporter());
        return files;
    }

    public static ProcessResult Run(string fileName, IEnumerable<string> args, string? workingDir = null,
        IDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDir ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        if (env is not null)
        {
            foreach (var (k, v) in env)
            {
                psi.Environment[k] = v;
            }
        }
        using var p = Process.Start(psi)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in time");
        }
        p.WaitForExit();
        return new ProcessResult(p.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Finds an executable on PATH (including /usr/sbin, where haproxy and nginx live).</summary>
    public static string Which(string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/sbin:/sbin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"'{name}' is not installed; build.ps1 Test installs it (build/Prerequisites.ps1, build/ToolkitPrerequisites.ps1)");
    }

    public static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        try
        {
            return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        }
        finally
        {
            l.Stop();
        }
    }
}
