using System.Text.Json;
using System.Text.Json.Serialization;

namespace NebulaGC.Server.Data.Stores;

/// <summary>JSON columns (groups, routes) are string arrays; source-generated to stay AOT-safe.</summary>
[JsonSerializable(typeof(List<string>))]
internal sealed partial class StoreJsonContext : JsonSerializerContext
{
    public static string ToJson(IReadOnlyList<string> values) => JsonSerializer.Serialize(values.ToList(), Default.ListString);

    public static IReadOnlyList<string> FromJson(string json) => JsonSerializer.Deserialize(json, Default.ListString) ?? [];
}
