using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NebulaGC.Client.Contracts;

namespace NebulaGC.Benchmarks;

/// <summary>What one wrk run measured.</summary>
public sealed record WrkResult(double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, long Requests, long Non2xx);

/// <summary>
/// Drives <c>wrk</c> (apt: wrk) at <c>GET /v1/config/version</c> with every request carrying one seeded node's five
/// auth headers, the nodes taken in turn (a Lua script), so the baseline and the server get the same bytes.
/// </summary>
public static partial class Wrk
{
    /// <summary>Writes the Lua script that cycles through <paramref name="nodes"/>; each wrk thread starts at its own offset.</summary>
    public static string WriteScript(string path, IReadOnlyList<NodeCredentials> nodes)
    {
        var lua = new StringBuilder("local nodes = {\n");
        foreach (var n in nodes)
        {
            lua.Append(CultureInfo.InvariantCulture, $"  {{\"{n.TenantId}\",\"{n.ClusterId}\",\"{n.NodeId}\",\"{n.NodeToken}\",\"{n.ClusterToken}\"}},\n");
        }
        lua.Append($$"""
            }
            local threads = 0
            function setup(thread)
              thread:set("offset", threads)
              threads = threads + 1
            end
            function init(args)
              index = offset * 7919
            end
            function request()
              index = index + 1
              local n = nodes[(index % #nodes) + 1]
              return wrk.format("GET", "/v1/config/version", {
                ["{{NebulaHeaders.TenantId}}"] = n[1], ["{{NebulaHeaders.ClusterId}}"] = n[2], ["{{NebulaHeaders.NodeId}}"] = n[3],
                ["{{NebulaHeaders.NodeToken}}"] = n[4], ["{{NebulaHeaders.ClusterToken}}"] = n[5] })
            end

            """);
        File.WriteAllText(path, lua.ToString());
        return path;
    }

    public static WrkResult Run(string baseUrl, string script, int threads, int connections, TimeSpan duration)
    {
        string wrk = Machine.Which("wrk") ?? throw new FileNotFoundException("wrk is not installed: apt-get install -y wrk");
        var startInfo = new ProcessStartInfo(wrk)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-d", $"{(int)Math.Ceiling(duration.TotalSeconds)}s", "--latency", "-s", script, baseUrl + "/v1/config/version",
            },
        };
        using var process = Process.Start(startInfo)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {output} {stderr.Result}");
        }
        return Parse(output);
    }

    public static WrkResult Parse(string output)
    {
        double perSecond = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        long requests = long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = Non2xx().Match(output);
        return new WrkResult(perSecond, Percentile(output, "50%"), Percentile(output, "99%"), requests,
            non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
    }

    /// <summary>A line of wrk's latency distribution, e.g. "     99%    4.98ms", in milliseconds.</summary>
    private static double Percentile(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s+{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            throw new FormatException($"wrk printed no {percentile} latency: {output}");
        }
        double value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "ms" => value, _ => value * 1000 };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();
}
