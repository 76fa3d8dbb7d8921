using System.Text.Json;
using System.Text.RegularExpressions;

namespace NebulaGC.Daemon.Configuration;

/// <summary>
/// Reads and validates the daemon config (SPEC §6). Every problem is collected, so an operator fixes the file
/// in one pass; token values never appear in a message.
/// </summary>
public static partial class DaemonConfigLoader
{
    /// <summary>SPEC §1: tokens are 32 random bytes base64url, at least 41 characters.</summary>
    public const int MinTokenLength = 41;

    /// <summary>Cluster names become directory names under <c>state_dir</c>.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}\z")]
    private static partial Regex ClusterNamePattern();

    [GeneratedRegex("property '([^']+)' could not be mapped")]
    private static partial Regex UnknownFieldPattern();

    public static DaemonSettings Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DaemonConfigException(path, [$"cannot read the file: {e.Message} (pass --config PATH or set NEBULAGC_DAEMON_CONFIG)"]);
        }
        return Parse(json, path);
    }

    public static DaemonSettings Parse(string json, string path)
    {
        DaemonConfigFile? file;
        try
        {
            file = JsonSerializer.Deserialize(json, DaemonConfigJsonContext.Default.DaemonConfigFile);
        }
        catch (JsonException e)
        {
            var unknown = UnknownFieldPattern().Match(e.Message);
            throw new DaemonConfigException(path, [unknown.Success
                ? $"{e.Path}: unknown field '{unknown.Groups[1].Value}' (check the spelling: fields are snake_case, e.g. control_plane_urls, state_dir)"
                : $"not valid daemon config JSON: {e.Message}"]);
        }
        if (file is null)
        {
            throw new DaemonConfigException(path, ["the file holds 'null' instead of a JSON object"]);
        }

        var problems = new List<string>();
        var urls = ValidateUrls(file.ControlPlaneUrls, problems);
        string stateDir = ValidateAbsolutePath(file.StateDir, "state_dir", DaemonSettings.DefaultStateDir, problems);
        string nebulaBinary = ValidateAbsolutePath(file.NebulaBinary, "nebula_binary", DaemonSettings.DefaultNebulaBinary, problems);

        int pollWait = file.PollWaitSeconds ?? DaemonSettings.DefaultPollWaitSeconds;
        if (pollWait is < 1 or > DaemonSettings.MaxPollWaitSeconds)
        {
            problems.Add($"poll_wait_seconds: {pollWait} is out of range; use 1 to {DaemonSettings.MaxPollWaitSeconds} (default {DaemonSettings.DefaultPollWaitSeconds})");
        }
        double pollInterval = file.PollIntervalSeconds ?? DaemonSettings.DefaultPollIntervalSeconds;
        if (!(pollInterval is >= 0.1 and <= 3600))
        {
            problems.Add($"poll_interval_seconds: {pollInterval} is out of range; use 0.1 to 3600 (default {DaemonSettings.DefaultPollIntervalSeconds})");
        }

        var clusters = ValidateClusters(file.Clusters, stateDir, problems);
        if (problems.Count > 0)
        {
            throw new DaemonConfigException(path, problems);
        }
        return new DaemonSettings(urls, clusters, nebulaBinary, stateDir,
            TimeSpan.FromSeconds(pollWait), TimeSpan.FromSeconds(pollInterval));
    }

    private static List<Uri> ValidateUrls(List<string?>? raw, List<string> problems)
    {
        var urls = new List<Uri>();
        if (raw is null || raw.Count == 0)
        {
            problems.Add("control_plane_urls: at least one control-plane URL is required, e.g. [\"https://cp1.example.com:8080\"]");
            return urls;
        }
        for (int i = 0; i < raw.Count; i++)
        {
            string field = $"control_plane_urls[{i}]";
            string? text = raw[i]?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                problems.Add($"{field}: empty URL");
                continue;
            }
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"{field}: '{text}' is not an absolute http:// or https:// URL");
                continue;
            }
            if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            {
                problems.Add($"{field}: '{text}' must be a base URL without user info, query or fragment");
                continue;
            }
            Uri normalised = NormaliseBaseUrl(uri);
            if (urls.Contains(normalised))
            {
                problems.Add($"{field}: '{text}' is listed twice");
                continue;
            }
            urls.Add(normalised);
        }
        return urls;
    }

    /// <summary>SPEC §6 accepts a trailing <c>/v1</c>; the client adds it itself.</summary>
    private static Uri NormaliseBaseUrl(Uri uri)
    {
        string path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^3];
        }
        return new UriBuilder(uri) { Path = path + "/" }.Uri;
    }

    private static string ValidateAbsolutePath(string? value, string field, string defaultValue, List<string> problems)
    {
        if (value is null)
        {
            return defaultValue;
        }
        if (!Path.IsPathFullyQualified(value))
        {
            problems.Add($"{field}: '{value}' is not an absolute path (it must start with '/')");
            return defaultValue;
        }
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(value));
    }

    private static List<ClusterSettings> ValidateClusters(List<ClusterConfigFile?>? raw, string stateDir, List<string> problems)
    {
        var clusters = new List<ClusterSettings>();
        if (raw is null || raw.Count == 0)
        {
            problems.Add("clusters: at least one cluster is required");
            return clusters;
        }
        var nameOwners = new Dictionary<string, int>(StringComparer.Ordinal);
        var configDirs = new List<(string Dir, int Index)>();
        for (int i = 0; i < raw.Count; i++)
        {
            string prefix = $"clusters[{i}]";
            var c = raw[i];
            if (c is null)
            {
                problems.Add($"{prefix}: null instead of a cluster object");
                continue;
            }
            int before = problems.Count;

            if (string.IsNullOrEmpty(c.Name))
            {
                problems.Add($"{prefix}.name: required");
            }
            else if (!ClusterNamePattern().IsMatch(c.Name))
            {
                problems.Add($"{prefix}.name: '{c.Name}' must be 1–63 letters, digits, '.', '_' or '-', starting with a letter or digit (it names a directory)");
            }
            else if (nameOwners.TryGetValue(c.Name, out int owner))
            {
                problems.Add($"{prefix}.name: '{c.Name}' is already used by clusters[{owner}]; cluster names must be unique");
            }
            else
            {
                nameOwners[c.Name] = i;
            }

            Guid tenantId = ValidateUuid(c.TenantId, $"{prefix}.tenant_id", problems);
            Guid clusterId = ValidateUuid(c.ClusterId, $"{prefix}.cluster_id", problems);
            Guid nodeId = ValidateUuid(c.NodeId, $"{prefix}.node_id", problems);
            ValidateToken(c.NodeToken, $"{prefix}.node_token", problems);
            ValidateToken(c.ClusterToken, $"{prefix}.cluster_token", problems);

            string? configDir = null;
            if (string.IsNullOrEmpty(c.ConfigDir))
            {
                problems.Add($"{prefix}.config_dir: required (the directory that holds this cluster's applied Nebula configs, e.g. /etc/nebula/{c.Name ?? "prod"})");
            }
            else if (!Path.IsPathFullyQualified(c.ConfigDir))
            {
                problems.Add($"{prefix}.config_dir: '{c.ConfigDir}' is not an absolute path (it must start with '/')");
            }
            else
            {
                configDir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(c.ConfigDir));
                foreach (var (other, index) in configDirs)
                {
                    if (Overlaps(configDir, other))
                    {
                        problems.Add($"{prefix}.config_dir: '{configDir}' clashes with clusters[{index}].config_dir '{other}'; each cluster needs its own directory, neither inside the other");
                    }
                }
                if (Overlaps(configDir, stateDir))
                {
                    problems.Add($"{prefix}.config_dir: '{configDir}' clashes with state_dir '{stateDir}'; keep them apart");
                }
                configDirs.Add((configDir, i));
            }

            if (problems.Count == before)
            {
                clusters.Add(new ClusterSettings(c.Name!, tenantId, clusterId, nodeId, c.NodeToken!, c.ClusterToken!, configDir!));
            }
        }
        return clusters;
    }

    private static Guid ValidateUuid(string? value, string field, List<string> problems)
    {
        if (string.IsNullOrEmpty(value))
        {
            problems.Add($"{field}: required (a UUID such as 3f2b8c1e-0d4a-4e3b-9a57-1c2d3e4f5a6b)");
            return Guid.Empty;
        }
        if (!Guid.TryParseExact(value, "D", out var id))
        {
            problems.Add($"{field}: '{value}' is not a UUID (expected the form 3f2b8c1e-0d4a-4e3b-9a57-1c2d3e4f5a6b)");
        }
        return id;
    }

    private static void ValidateToken(string? value, string field, List<string> problems)
    {
        if (string.IsNullOrEmpty(value))
        {
            problems.Add($"{field}: required");
        }
        else if (value.Length < MinTokenLength)
        {
            // The value itself is a secret, even when wrong: report only its length.
            problems.Add($"{field}: too short ({value.Length} characters; tokens have at least {MinTokenLength}); copy the whole token as printed at creation");
        }
    }

    private static bool Overlaps(string a, string b) =>
        a == b || a.StartsWith(b + "/", StringComparison.Ordinal) || b.StartsWith(a + "/", StringComparison.Ordinal);
}
