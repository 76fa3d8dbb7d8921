using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace NebulaGC.Daemon.Tests.EndToEnd;

/// <summary>Paths of the build outputs the end-to-end tests run.</summary>
public static class BuildOutputs
{
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NebulaGC.sln")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("NebulaGC.sln not found above the test binaries");
        }
    }

    public static string ServerDll => Path.Combine(RepositoryRoot, "NebulaGC.Server", "bin", Configuration, "net10.0", "nebulagc-server.dll");

    public static string DaemonDll => Path.Combine(AppContext.BaseDirectory, "nebulagc.dll");
}

/// <summary>A long-running child process (server or daemon) whose output is kept for failure messages.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly StringBuilder output = new();

    public ChildProcess(string dll, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }
        Process = Process.Start(start)!;
        Process.OutputDataReceived += (_, e) => Append(e.Data);
        Process.ErrorDataReceived += (_, e) => Append(e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>SIGTERM, as systemd stops a unit; waits for the exit.</summary>
    public void Terminate()
    {
        if (!Process.HasExited)
        {
            NativeSignal.Term(Process.Id);
            if (!Process.WaitForExit(20_000))
            {
                Process.Kill();
            }
        }
        Process.WaitForExit();
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit();
        }
        Process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}

internal static class NativeSignal
{
    public static void Term(int pid) => Process.Start("kill", ["-TERM", pid.ToString()])!.WaitForExit();
}

/// <summary>The real <c>nebulagc-server</c>: bootstrapped through its CLI, serving on 127.0.0.1.</summary>
public sealed class ServerInstance : IDisposable
{
    public const string Secret = "e2e-secret-0123456789-0123456789-abcdefgh";

    private readonly string dir;
    private readonly string db;
    private readonly string role;
    private readonly string instanceId;
    private ChildProcess? process;

    public ServerInstance(string dir, string db, string role, string instanceId)
    {
        this.dir = dir;
        this.db = db;
        this.role = role;
        this.instanceId = instanceId;
        Directory.CreateDirectory(dir);
        Port = FreeTcpPort();
    }

    public int Port { get; }
    public Uri Url => new($"http://127.0.0.1:{Port}/");
    public string Output => process?.Output ?? "";

    public static Dictionary<string, string> Environment => new() { ["NEBULAGC_HMAC_SECRET"] = Secret };

    /// <summary>Runs a bootstrap command directly on the database; returns its JSON output.</summary>
    public static JsonElement Cli(string db, params string[] args) => JsonDocument.Parse(Run([.. args, "--db", db, "--output", "json"])).RootElement.Clone();

    /// <summary>Creates the database schema (<c>migrate</c>).</summary>
    public static void Migrate(string db) => Run(["migrate", "--db", db]);

    private static string Run(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { BuildOutputs.ServerDll }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }
        foreach (var (k, v) in Environment)
        {
            start.Environment[k] = v;
        }
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"nebulagc-server {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}");
        }
        return stdout.Result;
    }

    public async Task StartAsync()
    {
        process = new ChildProcess(BuildOutputs.ServerDll,
            ["serve", $"--{(role == "master" ? "master" : "replicate")}", "--listen", $"127.0.0.1:{Port}", "--db", db, "--instance-id", instanceId,
             "--public-url", Url.ToString().TrimEnd('/'), "--admin-socket", Path.Combine(dir, "admin.sock")],
            Environment);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.Process.HasExited)
            {
                throw new InvalidOperationException($"nebulagc-server exited with {process.Process.ExitCode}: {process.Output}");
            }
            try
            {
                if ((await http.GetAsync(new Uri(Url, "v1/readyz"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"nebulagc-server not ready within 60 s: {process.Output}");
            }
            await Task.Delay(100);
        }
    }

    public void Stop()
    {
        process?.Dispose();
        process = null;
    }

    public void Dispose() => Stop();

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
