using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>Re-parses rendered YAML before it is written: a template can never emit broken YAML.</summary>
public static class YamlCheck
{
    /// <summary>Parses every document; throws <see cref="ErrorIds.RenderedYamlInvalid"/> on a syntax error or a duplicate key.</summary>
    public static IReadOnlyList<YamlDocument> Parse(string yaml, string what)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            return stream.Documents.ToList();
        }
        catch (YamlException e)
        {
            throw new NebulaGCException(ErrorIds.RenderedYamlInvalid, $"{what} is not valid YAML ({e.Start}): {e.Message}", what, e);
        }
        catch (ArgumentException e)
        {
            // YamlMappingNode rejects a duplicate key this way.
            throw new NebulaGCException(ErrorIds.RenderedYamlInvalid, $"{what} is not valid YAML: {e.Message}", what, e);
        }
    }

    /// <summary>Every key path ("dbs[].replicas[].type") that occurs in a document, for key-list checks.</summary>
    public static IEnumerable<(string Path, YamlNode Node)> KeyPaths(YamlNode node, string prefix = "")
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var path = prefix.Length == 0 ? ((YamlScalarNode)key).Value! : prefix + "." + ((YamlScalarNode)key).Value;
                    yield return (path, value);
                    foreach (var child in KeyPaths(value, path))
                    {
                        yield return child;
                    }
                }
                break;
            case YamlSequenceNode seq:
                foreach (var item in seq.Children)
                {
                    foreach (var child in KeyPaths(item, prefix + "[]"))
                    {
                        yield return child;
                    }
                }
                break;
        }
    }
}
