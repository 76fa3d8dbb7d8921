namespace NebulaGC.PowerShell.Rendering;

/// <summary>What a value is, and so how it is checked (<see cref="ValueKinds"/>).</summary>
public enum ValueKind
{
    Text,
    OptionalText,
    NamePrefix,
    DnsLabel,
    OptionalDnsLabel,
    OptionalDnsSubdomain,
    Image,
    Enum,
    Selector,
    Port,
    PortOrZero,
    Host,
    OptionalHost,
    HostPort,
    OptionalHostPort,
    Url,
    OptionalUrl,
    OptionalInstanceId,
    AbsolutePath,
    OptionalAbsolutePath,
    FileName,
    LogLevel,
    TrustedProxies,
    WatchdogSeconds,
    Quantity,
    ResourceName,
    LiteFSReplicas,
    LitestreamVersion,
    Duration,
    ListenAddress,
    ConsulKey,
    Bool,
    Replicas,
    Backends,
}

/// <summary>
/// A setting's key in a values file (dotted for nested maps, e.g. <c>resources.requests.cpu</c>), its kind and the
/// one-line comment <c>Get-NebulaGCValues</c> prints above it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ValueAttribute(string key, ValueKind kind, string comment) : Attribute
{
    public string Key { get; } = key;

    public ValueKind Kind { get; } = kind;

    public string Comment { get; } = comment;
}
