namespace NebulaGC.PowerShell.Rendering;

/// <summary>
/// Builds a <see cref="DeploymentSettings"/> layer by layer, like Helm values: defaults, each values file in order,
/// each -Set, then parameters; a later layer wins per setting. Every value is checked by its kind; an unknown key,
/// a map where a value belongs or a bad value is an error that names file, line and column. <see cref="Given"/>
/// remembers where each setting was last set, so a render can name the settings it did not use.
/// </summary>
public sealed class SettingsBinder(DeploymentSettings settings)
{
    public DeploymentSettings Settings { get; } = settings;

    /// <summary>Setting (property name) → where its value was given.</summary>
    public Dictionary<string, ValueLocation> Given { get; } = [];

    /// <summary>Applies a values layer (a file or one -Set).</summary>
    public void Bind(ValueMap map) => BindMap(map, "");

    /// <summary>Applies one parameter to the setting <paramref name="propertyName"/>, checked like a value.</summary>
    public void BindParameter(string propertyName, string parameterName, object? value)
    {
        var key = ValuesSchema.ForProperty(propertyName)
            ?? throw new InvalidOperationException($"no setting named {propertyName}");
        var location = new ValueLocation($"parameter -{parameterName}");
        Set(key, new ValueScalar(ValueKinds.ToText(value), location), $"-{parameterName}");
    }

    /// <summary>Records a setting that a cmdlet set itself from its parameters (the replica parameters).</summary>
    public void MarkGiven(string propertyName, string source) => Given[propertyName] = new ValueLocation(source);

    /// <summary>Parses <c>key.path=value</c> (-Set) into a values layer.</summary>
    public static ValueMap ParseSet(string expression)
    {
        var location = new ValueLocation($"-Set '{expression}'");
        var eq = expression.IndexOf('=');
        var path = eq > 0 ? expression[..eq].Trim() : "";
        if (path.Length == 0 || path.Split('.').Any(p => p.Length == 0) || path.Contains('['))
        {
            throw new NebulaGCException(ErrorIds.ValuesSetInvalid,
                $"{location}: expected key=value with a dotted key (image.tag=1.2.3); lists such as litestream.replicas come from a values file", expression);
        }
        ValueNode node = new ValueScalar(expression[(eq + 1)..], location);
        foreach (var part in path.Split('.').Reverse())
        {
            node = new ValueMap([new ValueEntry(part, location, node)], location);
        }
        return (ValueMap)node;
    }

    private void BindMap(ValueMap map, string prefix)
    {
        foreach (var entry in map.Entries)
        {
            var path = prefix + entry.Key;
            var normalized = ValuesSchema.Normalize(path);
            var key = ValuesSchema.Settings.FirstOrDefault(k => ValuesSchema.Normalize(k.Key) == normalized);
            if (key is not null)
            {
                Set(key, entry.Value, key.Key);
                continue;
            }
            var children = ValuesSchema.Settings.Where(k => ValuesSchema.Normalize(k.Key).StartsWith(normalized + ".", StringComparison.Ordinal)).ToList();
            if (children.Count > 0 && entry.Value is ValueMap nested)
            {
                BindMap(nested, path + ".");
                continue;
            }
            if (children.Count > 0)
            {
                throw ValueKinds.Invalid(entry.Value.Location, path, "not a map", $"a map of {string.Join(", ", children.Select(c => c.Key))}");
            }
            var known = ValuesSchema.Settings.Select(k => prefix.Length == 0 ? k.Key.Split('.')[0] : k.Key)
                .Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Distinct();
            throw new NebulaGCException(ErrorIds.ValuesUnknownKey,
                $"{entry.KeyLocation}: unknown setting '{path}'. Known settings{(prefix.Length > 0 ? $" under {prefix.TrimEnd('.')}" : "")}: {string.Join(", ", known)}", path);
        }
    }

    private void Set(ValueKey key, ValueNode node, string display)
    {
        var value = key.Value.Kind switch
        {
            ValueKind.Image when node is ValueMap map => ImageFromMap(map, (string)key.Property.GetValue(Settings)!, display),
            ValueKind.Replicas => BindList<ReplicaSettings>(node, display),
            ValueKind.Backends => BindList<BackendSettings>(node, display),
            _ => ValueKinds.Convert(key.Value.Kind, key.Property.PropertyType, node, display),
        };
        key.Property.SetValue(Settings, value);
        Given[key.Property.Name] = node.Location;
    }

    /// <summary><c>image: {repository, tag}</c> → repository:tag; a missing part keeps the current one.</summary>
    private static string ImageFromMap(ValueMap map, string current, string display)
    {
        var (repository, tag) = SplitImage(current);
        foreach (var entry in map.Entries)
        {
            var text = ValueKinds.Convert(ValueKind.Text, typeof(string), entry.Value, $"{display}.{entry.Key}") as string;
            switch (ValuesSchema.Normalize(entry.Key))
            {
                case "repository": repository = text!; break;
                case "tag": tag = text!; break;
                default:
                    throw new NebulaGCException(ErrorIds.ValuesUnknownKey, $"{entry.KeyLocation}: unknown key '{display}.{entry.Key}'; an image map has repository and tag", entry.Key);
            }
        }
        var image = tag.Length > 0 ? $"{repository}:{tag}" : repository;
        return ValueKinds.Check(ValueKind.Image, image) is { } expected ? throw ValueKinds.Invalid(map.Location, display, $"'{image}'", expected) : image;
    }

    private static (string Repository, string Tag) SplitImage(string image)
    {
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "");
    }

    private static List<T> BindList<T>(ValueNode node, string display) where T : new()
    {
        if (node is not ValueList list)
        {
            throw ValueKinds.Invalid(node.Location, display, node is ValueMap ? "a map" : "a single value", ValueKinds.Expected(typeof(T) == typeof(ReplicaSettings) ? ValueKind.Replicas : ValueKind.Backends));
        }
        var keys = ValuesSchema.KeysOf(typeof(T));
        var result = new List<T>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (list.Items[i] is not ValueMap map)
            {
                throw ValueKinds.Invalid(list.Items[i].Location, $"{display}[{i}]", "not a map", $"a map of {string.Join(", ", keys.Select(k => k.Key))}");
            }
            var item = new T();
            foreach (var entry in map.Entries)
            {
                var key = keys.FirstOrDefault(k => ValuesSchema.Normalize(k.Key) == ValuesSchema.Normalize(entry.Key))
                    ?? throw new NebulaGCException(ErrorIds.ValuesUnknownKey,
                        $"{entry.KeyLocation}: unknown key '{display}[{i}].{entry.Key}'. Known: {string.Join(", ", keys.Select(k => k.Key))}", entry.Key);
                key.Property.SetValue(item, ValueKinds.Convert(key.Value.Kind, key.Property.PropertyType, entry.Value, $"{display}[{i}].{key.Key}"));
            }
            result.Add(item);
        }
        return result;
    }
}
