using System.Reflection;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>One values key: where it lives in a values file and which property it sets.</summary>
public sealed record ValueKey(string Key, PropertyInfo Property, ValueAttribute Value);

/// <summary>The keys of a values file, read from the <see cref="ValueAttribute"/>s of the settings classes.</summary>
public static class ValuesSchema
{
    /// <summary>Every key of <see cref="DeploymentSettings"/>, in declaration order.</summary>
    public static IReadOnlyList<ValueKey> Settings { get; } = KeysOf(typeof(DeploymentSettings));

    public static IReadOnlyList<ValueKey> KeysOf(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => (Property: p, Value: p.GetCustomAttribute<ValueAttribute>()))
        .Where(p => p.Value is not null)
        .Select(p => new ValueKey(p.Value!.Key, p.Property, p.Value))
        .ToList();

    /// <summary>Keys compare without case, '-' or '_' (listenHost, listen-host and ListenHost are one key).</summary>
    public static string Normalize(string key) => key.Replace("-", "").Replace("_", "").ToLowerInvariant();

    /// <summary>The key that sets <paramref name="propertyName"/> of <see cref="DeploymentSettings"/>, or null.</summary>
    public static ValueKey? ForProperty(string propertyName) =>
        Settings.FirstOrDefault(k => Normalize(k.Property.Name) == Normalize(propertyName));
}
