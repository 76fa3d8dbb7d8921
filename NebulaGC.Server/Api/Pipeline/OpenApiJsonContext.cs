using System.Text.Json.Serialization;

namespace NebulaGC.Server.Api.Pipeline;

/// <summary>Scalar parameter types the OpenAPI generator describes; source-generated because reflection is off (Native AOT).</summary>
[JsonSerializable(typeof(long?))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
internal sealed partial class OpenApiJsonContext : JsonSerializerContext;
