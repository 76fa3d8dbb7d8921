using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>Checks and types one written value by its <see cref="ValueKind"/>; every error names where the value was written.</summary>
public static partial class ValueKinds
{
    /// <summary>The typed value of <paramref name="node"/> for a property of <paramref name="type"/>.</summary>
    public static object? Convert(ValueKind kind, Type type, ValueNode node, string key)
    {
        if (node is not ValueScalar scalar)
        {
            throw Invalid(node.Location, key, node is ValueMap ? "a map" : "a list", Expected(kind));
        }
        var text = scalar.Text;
        if (text is null)
        {
            if (Nullable.GetUnderlyingType(type) is not null || type == typeof(string) && kind == ValueKind.Selector)
            {
                return null;
            }
            if (type == typeof(string) && Check(kind, "") is null)
            {
                return "";
            }
            throw Invalid(node.Location, key, "empty", Expected(kind));
        }
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsEnum)
        {
            return ParseEnum(target, text) ?? throw Invalid(node.Location, key, $"'{text}'",
                target == typeof(LitestreamVersion) ? "0.3 or 0.5" : $"one of {string.Join(", ", Enum.GetNames(target))}");
        }
        if (target == typeof(int))
        {
            var (min, max) = Range(kind);
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n : throw Invalid(node.Location, key, $"'{text}'", Expected(kind));
        }
        if (target == typeof(bool))
        {
            return text.ToLowerInvariant() switch
            {
                "true" or "yes" or "on" => true,
                "false" or "no" or "off" => false,
                _ => throw Invalid(node.Location, key, $"'{text}'", Expected(kind)),
            };
        }
        if (Check(kind, text) is { } expected)
        {
            throw Invalid(node.Location, key, $"'{text}'", expected);
        }
        return text;
    }

    /// <summary>Null when <paramref name="text"/> is a valid value of <paramref name="kind"/>, else what was expected.</summary>
    public static string? Check(ValueKind kind, string text)
    {
        if (text.Any(char.IsControl))
        {
            return "text without line breaks or control characters";
        }
        var ok = kind switch
        {
            ValueKind.Text => text.Length > 0,
            ValueKind.OptionalText => true,
            ValueKind.NamePrefix => text.Length <= 40 && DnsLabel().IsMatch(text),
            ValueKind.DnsLabel => text.Length <= 63 && DnsLabel().IsMatch(text),
            ValueKind.OptionalDnsLabel => text == "" || text.Length <= 63 && DnsLabel().IsMatch(text),
            ValueKind.OptionalDnsSubdomain => text == "" || text.Length <= 253 && DnsSubdomain().IsMatch(text),
            ValueKind.Image => text.Length <= 255 && ImageReference().IsMatch(text),
            ValueKind.Selector => text.Length > 0,
            ValueKind.Host => IsHost(text),
            ValueKind.OptionalHost => text == "" || IsHost(text),
            ValueKind.HostPort => IsHostPort(text),
            ValueKind.OptionalHostPort => text == "" || IsHostPort(text),
            ValueKind.Url => IsUrl(text),
            ValueKind.OptionalUrl => text == "" || IsUrl(text),
            ValueKind.OptionalInstanceId => text == "" || InstanceId().IsMatch(text),
            ValueKind.AbsolutePath => IsAbsolutePath(text),
            ValueKind.OptionalAbsolutePath => text == "" || IsAbsolutePath(text),
            ValueKind.FileName => FileName().IsMatch(text) && text is not ("." or ".."),
            ValueKind.LogLevel => text is "Trace" or "Debug" or "Information" or "Warning" or "Error" or "Critical",
            ValueKind.TrustedProxies => text == "" || text.Split(',').All(p => IPAddress.TryParse(p.Trim(), out _) || IPNetwork.TryParse(p.Trim(), out _)),
            ValueKind.Quantity => Quantity().IsMatch(text),
            ValueKind.ResourceName => ResourceName().IsMatch(text),
            ValueKind.Duration => GoDuration().IsMatch(text),
            ValueKind.ListenAddress => text == "" || (text.StartsWith(':') ? IsPort(text[1..], 1) : IsHostPort(text)),
            ValueKind.ConsulKey => ConsulKey().IsMatch(text),
            _ => true,
        };
        return ok ? null : Expected(kind);
    }

    /// <summary>What a value of <paramref name="kind"/> looks like, for error messages and help.</summary>
    public static string Expected(ValueKind kind) => kind switch
    {
        ValueKind.Text => "non-empty text",
        ValueKind.OptionalText => "text",
        ValueKind.NamePrefix => "a DNS label of at most 40 characters (lower-case letters, digits, '-')",
        ValueKind.DnsLabel => "a DNS label (RFC 1123: lower-case letters, digits, '-', at most 63 characters)",
        ValueKind.OptionalDnsLabel => "empty or a DNS label (lower-case letters, digits, '-')",
        ValueKind.OptionalDnsSubdomain => "empty or a DNS subdomain (lower-case letters, digits, '-', '.')",
        ValueKind.Image => "a container image reference such as registry.example.com/team/nebulagc-server:1.2.3, or a map with repository and tag",
        ValueKind.Selector => "a name",
        ValueKind.Port => "a port number 1-65535",
        ValueKind.PortOrZero => "a port number 0-65535 (0 switches it off)",
        ValueKind.Host or ValueKind.OptionalHost => "an IP address or a host name",
        ValueKind.HostPort or ValueKind.OptionalHostPort => "host:port",
        ValueKind.Url or ValueKind.OptionalUrl => "an absolute http:// or https:// URL",
        ValueKind.OptionalInstanceId => "empty or letters, digits, '.', '_', '-' (at most 63)",
        ValueKind.AbsolutePath or ValueKind.OptionalAbsolutePath => "an absolute path without spaces",
        ValueKind.FileName => "a file name (letters, digits, '.', '_', '-')",
        ValueKind.LogLevel => "Trace, Debug, Information, Warning, Error or Critical",
        ValueKind.TrustedProxies => "comma-separated IP addresses or CIDR ranges",
        ValueKind.WatchdogSeconds => "a number of seconds 1-3600",
        ValueKind.Quantity => "a Kubernetes quantity such as 1Gi, 500Mi or 100m",
        ValueKind.ResourceName => "an extended resource name domain/name, such as squat.ai/tun",
        ValueKind.LiteFSReplicas => "a number 1-9",
        ValueKind.LitestreamVersion => "0.3 or 0.5",
        ValueKind.Duration => "a Go duration such as 1s, 30m or 72h",
        ValueKind.ListenAddress => "empty, :port or host:port",
        ValueKind.ConsulKey => "a Consul key (letters, digits, '.', '_', '-', '/')",
        ValueKind.Bool => "true or false",
        ValueKind.Replicas => "a list of replica maps (type, bucket, path, ...)",
        ValueKind.Backends => "a list of backend maps (address, name)",
        _ => "a value",
    };

    private static (int Min, int Max) Range(ValueKind kind) => kind switch
    {
        ValueKind.Port => (1, 65535),
        ValueKind.PortOrZero => (0, 65535),
        ValueKind.WatchdogSeconds => (1, 3600),
        ValueKind.LiteFSReplicas => (1, 9),
        _ => (int.MinValue, int.MaxValue),
    };

    private static object? ParseEnum(Type type, string text)
    {
        if (type == typeof(LitestreamVersion))
        {
            return text switch { "0.3" => LitestreamVersion.V0_3, "0.5" => LitestreamVersion.V0_5, _ => null };
        }
        var name = Enum.GetNames(type).FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
        return name is null ? null : Enum.Parse(type, name);
    }

    /// <summary>The text a typed value (a parameter) is checked as: enums by name, LitestreamVersion as 0.3/0.5.</summary>
    public static string? ToText(object? value) => value switch
    {
        null => null,
        LitestreamVersion v => v == LitestreamVersion.V0_5 ? "0.5" : "0.3",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    internal static NebulaGCException Invalid(ValueLocation location, string key, string given, string expected) =>
        new(ErrorIds.ValuesInvalidValue, $"{location}: {key} is {given}; expected {expected}", key);

    private static bool IsPort(string text, int min) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= min && p <= 65535;

    private static bool IsHost(string text) => IPAddress.TryParse(text, out _) || text.Length <= 253 && Hostname().IsMatch(text);

    private static bool IsHostPort(string text)
    {
        var i = text.LastIndexOf(':');
        if (i <= 0 || !IsPort(text[(i + 1)..], 1))
        {
            return false;
        }
        var host = text[..i];
        return host.StartsWith('[') && host.EndsWith(']') ? IPAddress.TryParse(host[1..^1], out _) : IsHost(host);
    }

    private static bool IsUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0 && !text.Any(char.IsWhiteSpace);

    private static bool IsAbsolutePath(string text) => text.StartsWith('/') && !text.Any(char.IsWhiteSpace);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$")]
    private static partial Regex Hostname();

    // Docker's reference grammar, simplified: [registry[:port]/]path[:tag][@sha256:digest], lower-case path components.
    [GeneratedRegex(@"^([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*(:[0-9]+)?/)?[a-z0-9]+([._-]{1,2}[a-z0-9]+)*(/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$")]
    private static partial Regex ImageReference();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9._-]{0,62})$")]
    private static partial Regex InstanceId();

    [GeneratedRegex(@"^[A-Za-z0-9._-]+$")]
    private static partial Regex FileName();

    // Kubernetes resource.Quantity: a number with an optional binary (Ki..Ei) or decimal (m, k, M..E) suffix.
    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")]
    private static partial Regex Quantity();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex ResourceName();

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"^[A-Za-z0-9._/-]+$")]
    private static partial Regex ConsulKey();
}
