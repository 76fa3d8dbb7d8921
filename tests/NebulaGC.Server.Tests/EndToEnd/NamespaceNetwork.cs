using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NebulaGC.Server.Tests.EndToEnd;

/// <summary>
/// A private underlay for real, tun-enabled nebula processes: one network namespace per host, each joined by a veth
/// pair to a bridge in a hub namespace, addresses from TEST-NET-1 (192.0.2.0/24). Nothing is created in the host's own
/// namespace, so the overlay (and the per-cluster tun name every node shares) never touches the machine's network.
/// Disposing kills every nebula started here and deletes every namespace, whatever state the test left.
/// </summary>
internal sealed class NamespaceNetwork : IAsyncDisposable
{
    /// <summary>Namespace names start with this, then the creating process id: stale ones from a killed run can be recognised.</summary>
    private const string Prefix = "ngce2e";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);

    private readonly string _id;
    private readonly List<string> _namespaces = [];
    private readonly List<NebulaInNamespace> _processes = [];

    private NamespaceNetwork(string id) => _id = id;

    private string Hub => $"{_id}-hub";

    /// <summary>The hosts, in the order asked for; host i has underlay address 192.0.2.(i+1).</summary>
    public List<UnderlayHost> Hosts { get; } = [];

    /// <summary>
    /// Creates the hub and <paramref name="hostCount"/> hosts. Fails with a clear message when not root: CI runs these
    /// tests as root, and a skipped overlay test would hide a broken control plane.
    /// </summary>
    public static async Task<NamespaceNetwork> CreateAsync(int hostCount)
    {
        Assert.True(Environment.IsPrivilegedProcess,
            "the end-to-end overlay tests create network namespaces and tun devices: run them as root (CI does)");
        RemoveStaleNamespaces();
        var network = new NamespaceNetwork($"{Prefix}{Environment.ProcessId}x{Guid.NewGuid().ToString("N")[..4]}");
        try
        {
            network.AddNamespace(network.Hub);
            Ip("-n", network.Hub, "link", "add", "br0", "type", "bridge");
            Ip("-n", network.Hub, "link", "set", "br0", "up");
            for (int i = 0; i < hostCount; i++)
            {
                string ns = $"{network._id}-h{i}";
                string address = $"192.0.2.{i + 1}";
                network.AddNamespace(ns);
                Ip("-n", network.Hub, "link", "add", $"p{i}", "type", "veth", "peer", "name", "eth0", "netns", ns);
                Ip("-n", network.Hub, "link", "set", $"p{i}", "master", "br0");
                Ip("-n", network.Hub, "link", "set", $"p{i}", "up");
                Ip("-n", ns, "addr", "add", $"{address}/24", "dev", "eth0");
                Ip("-n", ns, "link", "set", "eth0", "up");
                network.Hosts.Add(new UnderlayHost(ns, address));
            }
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <c>nebula -config config.yml</c> inside <paramref name="host"/> with <paramref name="configDirectory"/> as working directory.</summary>
    public NebulaInNamespace StartNebula(UnderlayHost host, string configDirectory)
    {
        var test = Run("nebula", configDirectory, "-test", "-config", "config.yml");
        Assert.True(test.ExitCode == 0, $"nebula -test refused the bundle in {configDirectory}: {test.Describe()}");
        var process = new NebulaInNamespace(host.Namespace, configDirectory);
        _processes.Add(process);
        return process;
    }

    /// <summary>One <c>ping -c 1 -W 2</c> from inside <paramref name="host"/>; true when answered.</summary>
    public static bool Ping(UnderlayHost host, string address) =>
        Run("ip", "/", "netns", "exec", host.Namespace, "ping", "-n", "-c", "1", "-W", "2", address).ExitCode == 0;

    /// <summary>Pings until answered, at most <paramref name="attempts"/> times (each waits ≤ 2 s); true when one was answered.</summary>
    public static async Task<bool> PingEventuallyAsync(UnderlayHost host, string address, int attempts = 10)
    {
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            if (Ping(host, address))
            {
                return true;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }
        return false;
    }

    public static void Ip(params string[] arguments)
    {
        var result = Run("ip", "/", arguments);
        Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', arguments)}: {result.Describe()}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
        // Host namespaces first (their veth ends go with them), the hub last.
        foreach (string ns in Enumerable.Reverse(_namespaces))
        {
            Run("ip", "/", "netns", "delete", ns);
        }
        await Task.CompletedTask;
    }

    private void AddNamespace(string name)
    {
        Ip("netns", "add", name);
        _namespaces.Add(name);
        Ip("-n", name, "link", "set", "lo", "up");
    }

    /// <summary>Deletes namespaces this test suite left behind in a run that was killed (its process id no longer exists).</summary>
    private static void RemoveStaleNamespaces()
    {
        var list = Run("ip", "/", "netns", "list");
        foreach (string line in list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = line.Split(' ')[0];
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }
            string pid = new(name[Prefix.Length..].TakeWhile(char.IsAsciiDigit).ToArray());
            if (pid.Length > 0 && !Directory.Exists($"/proc/{pid}"))
            {
                Run("ip", "/", "netns", "delete", name);
            }
        }
    }

    private static Pki.ToolResult Run(string file, string workingDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)!;
        var standardError = process.StandardError.ReadToEndAsync();
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {CommandTimeout.TotalSeconds} s");
        }
        return new Pki.ToolResult(process.ExitCode, standardOutput.Result, standardError.Result);
    }
}

/// <summary>A namespace standing for one machine, with its underlay address.</summary>
internal sealed record UnderlayHost(string Namespace, string Address);

/// <summary>A running <c>ip netns exec NS nebula -config config.yml</c> (ip execs nebula, so the pid is nebula's), its log collected.</summary>
internal sealed class NebulaInNamespace : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public NebulaInNamespace(string ns, string workingDirectory)
    {
        _process = new Process
        {
            StartInfo = new ProcessStartInfo("ip")
            {
                WorkingDirectory = workingDirectory,
                ArgumentList = { "netns", "exec", ns, "nebula", "-config", "config.yml" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            },
        };
        _process.OutputDataReceived += (_, line) => Append(line.Data);
        _process.ErrorDataReceived += (_, line) => Append(line.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Sends SIGHUP: nebula 1.6 re-reads config.yml (and the PKI files it names) in place, keeping its port and tunnels.</summary>
    public void Reload()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-HUP", _process.Id.ToString(CultureInfo.InvariantCulture) } })!;
        Assert.True(kill.WaitForExit(5_000) && kill.ExitCode == 0, $"kill -HUP {_process.Id} failed");
    }

    public bool Logged(string text) => Output.Contains(text, StringComparison.Ordinal);

    /// <summary>Waits (bounded) for nebula to report its tun device up, or fails with its log.</summary>
    public void WaitUntilRunning(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Logged("Nebula interface is active"))
        {
            Assert.False(_process.HasExited, "nebula exited at startup:\n" + Output);
            Assert.True(DateTime.UtcNow < deadline, $"nebula did not come up within {timeout.TotalSeconds} s:\n{Output}");
            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"nebula pid {_process.Id}");

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Append(line).Append('\n');
            }
        }
    }
}
