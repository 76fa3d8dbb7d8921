namespace NebulaGC.TestSupport;

/// <summary>
/// A private underlay for real, tun-enabled nebula processes: one network namespace per host, each joined by a veth
/// pair to a bridge in a hub namespace, addresses from TEST-NET-1 (192.0.2.0/24). Nothing is created in the host's own
/// namespace, so the overlay (and the per-cluster tun name every node shares) never touches the machine's network, and
/// namespace names are unique per run, so several test runs on this machine never meet. Disposing kills every nebula
/// started here and deletes every namespace, whatever state the test left. Needs root (CI runs as root).
/// </summary>
public sealed class NamespaceNetwork : IAsyncDisposable
{
    /// <summary>Namespace names start with this, then the creating process id: stale ones from a killed run can be recognised.</summary>
    private const string Prefix = "ngce2e";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);

    private readonly string _id;
    private readonly List<string> _namespaces = [];
    private readonly List<BackgroundProcess> _processes = [];

    private NamespaceNetwork(string id) => _id = id;

    private string Hub => $"{_id}-hub";

    /// <summary>The hosts, in the order asked for; host i has underlay address 192.0.2.(i+1) on its <c>eth0</c>.</summary>
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

    /// <summary>
    /// Checks the config with <c>nebula -test</c>, then starts <c>nebula -config config.yml</c> inside
    /// <paramref name="host"/> with <paramref name="configDirectory"/> as working directory (ip execs nebula, so the
    /// process id is nebula's). Stopped when the network is disposed.
    /// </summary>
    public BackgroundProcess StartNebula(UnderlayHost host, string configDirectory)
    {
        var test = NebulaTools.Nebula(configDirectory, "-test", "-config", "config.yml");
        Assert.True(test.ExitCode == 0, $"nebula -test refused the bundle in {configDirectory}: {test.Describe()}");
        var process = new BackgroundProcess("ip", ["netns", "exec", host.Namespace, "nebula", "-config", "config.yml"], workingDirectory: configDirectory);
        _processes.Add(process);
        return process;
    }

    /// <summary>Runs <paramref name="command"/> inside the namespace <paramref name="ns"/> (<c>ip netns exec</c>).</summary>
    public static ProcessResult Exec(string ns, params string[] command) =>
        ProcessRunner.Run("ip", ["netns", "exec", ns, .. command], timeout: CommandTimeout);

    /// <summary>One <c>ping -c 1 -W 2</c> from inside <paramref name="host"/>; true when answered.</summary>
    public static bool Ping(UnderlayHost host, string address) =>
        Exec(host.Namespace, "ping", "-n", "-c", "1", "-W", "2", address).ExitCode == 0;

    /// <summary>Waits until a ping from <paramref name="host"/> to <paramref name="address"/> is answered; fails with <paramref name="describe"/>() after <paramref name="timeout"/>.</summary>
    public static Task WaitForPingAsync(UnderlayHost host, string address, TimeSpan timeout, Func<string> describe) =>
        Wait.UntilAsync(() => Ping(host, address), timeout, describe);

    /// <summary>
    /// True when one of <paramref name="attempts"/> pings is answered. Each waits up to 2 s for its reply, so false means
    /// nothing came back for that long: how a test shows that traffic stays blocked.
    /// </summary>
    public static bool AnyPingAnswered(UnderlayHost host, string address, int attempts) =>
        Enumerable.Range(0, attempts).Any(_ => Ping(host, address));

    /// <summary>Runs <c>ip arguments…</c> and fails the test if it does not exit 0.</summary>
    public static void Ip(params string[] arguments)
    {
        var result = ProcessRunner.Run("ip", arguments, timeout: CommandTimeout);
        Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', arguments)}: {result.Describe()}");
    }

    /// <summary>
    /// Writes an executable at <paramref name="path"/> that runs the real nebula inside <paramref name="ns"/>, for a
    /// daemon that starts nebula itself; the process id stays nebula's (exec all the way).
    /// </summary>
    public static string NebulaWrapper(string path, string ns)
    {
        File.WriteAllText(path, $"#!/bin/sh\nexec ip netns exec {ns} {ProcessRunner.Find("nebula")} \"$@\"\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    /// <summary>Kills every nebula started here, then deletes the host namespaces (their veth ends go with them) and the hub.</summary>
    public ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
        foreach (string ns in Enumerable.Reverse(_namespaces))
        {
            ProcessRunner.Run("ip", ["netns", "delete", ns], timeout: CommandTimeout);
        }
        return ValueTask.CompletedTask;
    }

    private void AddNamespace(string name)
    {
        Ip("netns", "add", name);
        _namespaces.Add(name);
        Ip("-n", name, "link", "set", "lo", "up");
    }

    /// <summary>Deletes namespaces a test run left behind when it was killed (its process id no longer exists).</summary>
    private static void RemoveStaleNamespaces()
    {
        var list = ProcessRunner.Run("ip", ["netns", "list"], timeout: CommandTimeout);
        foreach (string line in list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = line.Split(' ')[0];
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }
            string pid = new(name[Prefix.Length..].TakeWhile(char.IsAsciiDigit).ToArray());
            if (pid.Length > 0 && !Directory.Exists($"/proc/{pid}"))
            {
                ProcessRunner.Run("ip", ["netns", "delete", name], timeout: CommandTimeout);
            }
        }
    }
}

/// <summary>A namespace standing for one machine, with its underlay address.</summary>
public sealed record UnderlayHost(string Namespace, string Address);
