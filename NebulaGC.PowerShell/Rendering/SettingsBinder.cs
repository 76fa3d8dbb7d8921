using System.Collections;
using System.Globalization;
using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>
/// Builds a <see cref="DeploymentSettings"/> from defaults, then a values file, then explicit overrides.
/// Unknown keys are errors, never ignored: a typo in a values file must not silently render a default.
/// </summary>
public static class SettingsBinder
{
    /// <summary>Reads a YAML values file into plain dictionaries/lists/strings.</summary>
    public static IDictionary LoadYaml(string path)
    {
        if (!File.Exists(path))
        {
            throw new NebulaGCException(ErrorIds.ValuesFileNotFound, $"values file '{path}' does not exist", path);
        }
        try
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(path);
            stream.Load(reader);
            if (stream.Documents.Count == 0)
            {
                return new Hashtable();
            }
            return ToPlain(stream.Documents[0].RootNode) as IDictionary
                ?? throw new NebulaGCException(ErrorIds.ValuesFileInvalid, $"values file '{path}' must hold a mapping at its top", path);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new NebulaGCException(ErrorIds.ValuesFileInvalid, $"reading values file '{path}': {e.Message}", path, e);
        }
    }

    private static object? ToPlain(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => ToPlain(kv.Value)),
        YamlSequenceNode seq => seq.Children.Select(ToPlain).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };

    /// <summary>Applies a mapping of setting name → value onto <paramref name="target"/>.</summary>
    public static void Apply(object target, IDictionary values, string source)
    {
        foreach (DictionaryEntry entry in values)
        {
            var key = entry.Key?.ToString() ?? "";
            var property = FindProperty(target.GetType(), key)
                ?? throw new NebulaGCException(ErrorIds.ValuesUnknownKey,
                    $"{source}: unknown setting '{key}'. Known settings: {string.Join(", ", WritableProperties(target.GetType()).Select(p => p.Name))}", key);
            property.SetValue(target, Convert(entry.Value, property.PropertyType, $"{source}: setting '{key}'"));
        }
    }

    private static IEnumerable<PropertyInfo> WritableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    private static string Normalize(string key) => key.Replace("-", "").Replace("_", "").ToLowerInvariant();

    /// <summary>The writable property a values key names, or null.</summary>
    public static PropertyInfo? FindProperty(Type type, string key) =>
        WritableProperties(type).FirstOrDefault(p => Normalize(p.Name) == Normalize(key));

    private static object? Convert(object? value, Type type, string what)
    {
        try
        {
            if (type == typeof(string))
            {
                return value?.ToString() ?? "";
            }
            if (type.IsEnum)
            {
                var text = value?.ToString() ?? "";
                // LitestreamVersion is written "0.3"/"0.5" by people.
                if (type == typeof(LitestreamVersion) && text is "0.3" or "0.5")
                {
                    text = "V" + text.Replace('.', '_');
                }
                return Enum.Parse(type, text, ignoreCase: true);
            }
            if (type == typeof(int))
            {
                return System.Convert.ToInt32(value, CultureInfo.InvariantCulture);
            }
            if (type == typeof(bool))
            {
                return value is bool b ? b : bool.Parse(value?.ToString() ?? "");
            }
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
            {
                var itemType = type.GetGenericArguments()[0];
                var list = (IList)Activator.CreateInstance(type)!;
                var items = value is IEnumerable e and not string and not IDictionary ? e.Cast<object?>() : [value];
                foreach (var item in items)
                {
                    list.Add(Convert(item, itemType, what));
                }
                return list;
            }
            if (type.IsClass && value is IDictionary map)
            {
                var instance = Activator.CreateInstance(type)!;
                Apply(instance, map, what);
                return instance;
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidCastException or OverflowException)
        {
            throw new NebulaGCException(ErrorIds.ValuesInvalidValue, $"{what}: '{value}' is not a valid {Describe(type)}", value, e);
        }
        throw new NebulaGCException(ErrorIds.ValuesInvalidValue, $"{what}: '{value}' is not a valid {Describe(type)}", value);
    }

    private static string Describe(Type type) =>
        type.IsEnum ? $"value (one of {string.Join(", ", Enum.GetNames(type))})" : type.Name;
}
