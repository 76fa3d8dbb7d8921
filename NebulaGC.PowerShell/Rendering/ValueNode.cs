using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>Where a value came from: a file with line and column, a -Set expression or a parameter.</summary>
public sealed record ValueLocation(string Source, int Line = 0, int Column = 0)
{
    public override string ToString() => Line > 0 ? $"{Source}:{Line}:{Column}" : Source;
}

/// <summary>A value as written, before it is typed: a scalar, a map or a list, each with its location.</summary>
public abstract record ValueNode(ValueLocation Location);

public sealed record ValueScalar(string? Text, ValueLocation Location) : ValueNode(Location);

public sealed record ValueList(IReadOnlyList<ValueNode> Items, ValueLocation Location) : ValueNode(Location);

public sealed record ValueEntry(string Key, ValueLocation KeyLocation, ValueNode Value);

public sealed record ValueMap(IReadOnlyList<ValueEntry> Entries, ValueLocation Location) : ValueNode(Location)
{
    /// <summary>A map; two keys that differ only in case, '-' or '_' are an error (which one would win?).</summary>
    public static ValueMap Create(IReadOnlyList<ValueEntry> entries, ValueLocation location)
    {
        var seen = new Dictionary<string, ValueEntry>();
        foreach (var entry in entries)
        {
            if (seen.TryGetValue(ValuesSchema.Normalize(entry.Key), out var first))
            {
                throw new NebulaGCException(ErrorIds.ValuesDuplicateKey,
                    $"{entry.KeyLocation}: key '{entry.Key}' repeats '{first.Key}' ({first.KeyLocation}); keys are case-insensitive, keep one", entry.Key);
            }
            seen[ValuesSchema.Normalize(entry.Key)] = entry;
        }
        return new ValueMap(entries, location);
    }
}

/// <summary>Reads a YAML values file into <see cref="ValueNode"/>s that remember their line and column.</summary>
public static class YamlValues
{
    public static ValueMap Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new NebulaGCException(ErrorIds.ValuesFileNotFound, $"values file '{path}' does not exist", path);
        }
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new NebulaGCException(ErrorIds.ValuesFileInvalid,
                $"{path}:{e.Start.Line}:{e.Start.Column}: {(e.InnerException ?? e).Message}", path, e);
        }
        if (stream.Documents.Count == 0)
        {
            return new ValueMap([], new ValueLocation(path, 1, 1));
        }
        var root = Convert(stream.Documents[0].RootNode, path);
        return root as ValueMap
            ?? throw new NebulaGCException(ErrorIds.ValuesFileInvalid, $"{root.Location}: a values file holds a map of settings at its top", path);
    }

    private static ValueNode Convert(YamlNode node, string path)
    {
        var location = new ValueLocation(path, (int)node.Start.Line, (int)node.Start.Column);
        return node switch
        {
            YamlMappingNode map => ValueMap.Create(map.Children.Select(kv => new ValueEntry(
                ((YamlScalarNode)kv.Key).Value ?? "", new ValueLocation(path, (int)kv.Key.Start.Line, (int)kv.Key.Start.Column), Convert(kv.Value, path))).ToList(), location),
            YamlSequenceNode seq => new ValueList(seq.Children.Select(c => Convert(c, path)).ToList(), location),
            YamlScalarNode scalar => new ValueScalar(IsNull(scalar) ? null : scalar.Value, location),
            _ => throw new NebulaGCException(ErrorIds.ValuesFileInvalid, $"{location}: aliases and tags are not supported in values files", path),
        };
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
}
