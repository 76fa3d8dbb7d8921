using System.Diagnostics;

namespace NebulaGC.Daemon.Tests.EndToEnd;

/// <summary>
/// Two network namespaces made for one test run, joined by a veth pair (underlay 192.168.77.1 ↔ .2), so the
/// overlay traffic of the nebulas under test never touches the host network. Deleted on dispose.
/// </summary>
public sealed class NetworkNamespaces : IDisposable
{
    public const string UnderlayA = "192.168.77.1";
    public const string UnderlayB = "192.168.77.2";

    public NetworkNamespaces()
    {
        if (Environment.UserName != "root" && !File.ReadAllText("/proc/self/status").Contains("Uid:\t0\t"))
        {
            throw new InvalidOperationException("the end-to-end tests create network namespaces and tun devices: run them as root (or with CAP_NET_ADMIN and CAP_SYS_ADMIN)");
        }
        string id = Guid.NewGuid().ToString("N")[..6];
        A = $"ngcd-{id}-a";
        B = $"ngcd-{id}-b";
        Ip("netns", "add", A);
        Ip("netns", "add", B);
        try
        {
            Ip("link", "add", $"vga{id}", "netns", A, "type", "veth", "peer", "name", $"vgb{id}", "netns", B);
            Ip("-n", A, "addr", "add", $"{UnderlayA}/24", "dev", $"vga{id}");
            Ip("-n", B, "addr", "add", $"{UnderlayB}/24", "dev", $"vgb{id}");
            foreach (var (ns, dev) in new[] { (A, $"vga{id}"), (B, $"vgb{id}") })
            {
                Ip("-n", ns, "link", "set", "lo", "up");
                Ip("-n", ns, "link", "set", dev, "up");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string A { get; }
    public string B { get; }

    /// <summary>Writes an executable that runs the real nebula inside <paramref name="ns"/>; the pid stays nebula's (exec all the way).</summary>
    public static string NebulaWrapper(string path, string ns)
    {
        File.WriteAllText(path, $"#!/bin/sh\nexec ip netns exec {ns} /usr/bin/nebula \"$@\"\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    /// <summary>Runs a command inside <paramref name="ns"/>; returns exit code and output.</summary>
    public static (int ExitCode, string Output) Exec(string ns, params string[] command)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "netns", "exec", ns }.Concat(command))
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    public void Dispose()
    {
        foreach (string ns in new[] { A, B })
        {
            if (ns is not null)
            {
                RunIp(["netns", "del", ns]);
            }
        }
    }

    private static void Ip(params string[] args)
    {
        var (code, output) = RunIp(args);
        if (code != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({code}): {output}");
        }
    }

    private static (int, string) RunIp(string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }
}
