using System.Globalization;
using System.Text.RegularExpressions;
using NebulaGC.PowerShell.Install;

namespace NebulaGC.PowerShell.Backup;

/// <summary>The real <c>litestream</c> binary (0.3 dialect): restore and generations.</summary>
public sealed class LitestreamCli(string binary, IReadOnlyDictionary<string, string>? environment = null)
{
    /// <summary>
    /// <c>litestream restore -config C -if-replica-exists [-replica R] [-timestamp T] -o OUT DB</c>. Returns the generation
    /// it restored from (as litestream logs it; empty when not logged), or null when the replica holds no backup yet
    /// (nothing written).
    /// </summary>
    public string? Restore(string config, string databasePath, string output, DateTimeOffset? timestamp, string? replica)
    {
        List<string> args = ["restore", "-config", config, "-if-replica-exists", "-o", output];
        if (replica is not null)
        {
            args.AddRange(["-replica", replica]);
        }
        if (timestamp is { } t)
        {
            args.AddRange(["-timestamp", t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)]);
        }
        args.Add(databasePath);
        var (exit, stdout, stderr) = Run(args);
        if (exit != 0)
        {
            throw new NebulaGCException(ErrorIds.LitestreamRestoreFailed, $"litestream restore of '{databasePath}' with '{config}' exited with {exit}: {(stderr + stdout).Trim()}", config);
        }
        if (!File.Exists(output))
        {
            return null;
        }
        var generation = Regex.Match(stderr + stdout, @"generation=([0-9a-f]+)");
        return generation.Success ? generation.Groups[1].Value : "";
    }

    private (int Exit, string Stdout, string Stderr) Run(IEnumerable<string> args)
    {
        try
        {
            // No deadline: a restore takes as long as the replica is large.
            var output = CommandRunner.Run(binary, args, Timeout.InfiniteTimeSpan, environment);
            return (output.ExitCode, output.StdOut, output.StdErr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new NebulaGCException(ErrorIds.LitestreamNotFound, $"litestream binary '{binary}' cannot be run ({e.Message}): install Litestream 0.3 or pass -LitestreamPath", binary, e);
        }
    }
}
