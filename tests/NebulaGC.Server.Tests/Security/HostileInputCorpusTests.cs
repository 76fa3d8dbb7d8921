using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Security;
using Xunit.Abstractions;

namespace NebulaGC.Server.Tests.Security;

/// <summary>
/// Hostile requests generated from <c>docs/api/openapi.json</c>, so a new endpoint is covered as soon as it is documented:
/// bad credentials, bad path ids, bad query values, malformed, mistyped, incomplete and duplicated JSON, wrong content
/// types and wrong methods. Every case must get the status its kind calls for (documented on the operation), never a 5xx,
/// leave the database exactly as it was, and leave no token or stack trace in any response or log line.
/// </summary>
public sealed class HostileInputCorpusTests(ITestOutputHelper output) : IDisposable
{
    private const int MinimumCases = 150;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed record Case(string Kind, string Operation, HttpMethod Method, string Path, HttpContent? Body, Func<Credentials, Credentials?> Credentials, int Expected, bool MustBeDocumented = true)
    {
        /// <summary>Answered by the HTTP server itself before the application sees the request (no JSON body is possible).</summary>
        public bool FrameworkRejection { get; init; }
    }

    [Fact]
    public async Task Every_hostile_request_gets_its_documented_status_changes_nothing_and_leaks_nothing()
    {
        // The corpus checks input handling, not the limits: limits high enough that no case is answered 429.
        var limits = new RateLimitOptions { NodeRequestsPerMinute = 100_000, FailedAuthPerIpPerMinute = 100_000, FailedAuthPerIpPerTenMinutes = 100_000, FailedAuthPerNodePerMinute = 100_000, FailedAuthPerClusterPerMinute = 100_000 };
        var db = _dir.Combine("nebulagc.db");
        await using var server = await TestServer.StartAsync(db, configure: o => o with { RateLimits = limits });
        var admin = server.Bootstrap(pki: "managed");
        var worker = await server.CreateNodeAsync(admin, "worker");
        var secrets = new List<string> { admin.NodeToken, admin.ClusterToken, worker.NodeToken };

        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Combine("docs", "api", "openapi.json")));
        var cases = Generate(document.RootElement, admin, worker, secrets).ToList();
        Assert.True(cases.Count >= MinimumCases, $"the corpus has {cases.Count} cases; it must have at least {MinimumCases}");

        var counts = new SortedDictionary<int, int>();
        var failures = new List<string>();
        foreach (var hostile in cases)
        {
            var before = Snapshot(db);
            using var client = server.Client();
            using var request = new HttpRequestMessage(hostile.Method, hostile.Path) { Content = hostile.Body };
            hostile.Credentials(admin)?.Apply(request);
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            counts[status] = counts.GetValueOrDefault(status) + 1;
            var label = $"{hostile.Kind} {hostile.Method} {hostile.Path}";
            if (status >= 500)
            {
                failures.Add($"{label}: {status} {body}");
            }
            if (status != hostile.Expected)
            {
                failures.Add($"{label}: expected {hostile.Expected}, got {status} {body}");
            }
            if (hostile.MustBeDocumented && !Documented(document.RootElement, hostile.Operation, status))
            {
                failures.Add($"{label}: {status} is not documented for {hostile.Operation}");
            }
            if (!hostile.FrameworkRejection && !body.Contains("\"code\":", StringComparison.Ordinal))
            {
                failures.Add($"{label}: the error body lacks the JSON error shape: {body}");
            }
            if (LeaksSomething(body, secrets) is { } leak)
            {
                failures.Add($"{label}: the response carries {leak}");
            }
            if (Snapshot(db) != before)
            {
                failures.Add($"{label}: a rejected request changed the database");
            }
        }
        if (LeaksSomething(server.Logs, secrets) is { } logLeak)
        {
            failures.Add($"the server log carries {logLeak}");
        }
        output.WriteLine($"{cases.Count} hostile requests; by status: {string.Join(", ", counts.Select(c => $"{c.Key}×{c.Value}"))}");
        foreach (var kind in cases.GroupBy(c => c.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {kind.Key}: {kind.Count()}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static IEnumerable<Case> Generate(JsonElement openApi, Credentials admin, Credentials worker, List<string> secrets)
    {
        var paths = openApi.GetProperty("paths");
        var schemas = openApi.GetProperty("components").GetProperty("schemas");
        foreach (var path in paths.EnumerateObject())
        {
            var methods = path.Value.EnumerateObject().Select(m => m.Name.ToUpperInvariant()).ToHashSet();
            var concrete = Concrete(path.Name, admin, worker);
            var unused = new[] { "PUT", "PATCH", "DELETE", "POST", "GET" }.First(m => !methods.Contains(m));
            yield return new Case("method-not-allowed", "", new HttpMethod(unused), concrete, null, c => c, 405, MustBeDocumented: false);

            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = new HttpMethod(operation.Name.ToUpperInvariant());
                var name = $"{method} {path.Name}";
                var responses = operation.Value.GetProperty("responses");
                var authenticated = responses.TryGetProperty("401", out _) && !path.Name.Contains("/internal/", StringComparison.Ordinal);
                HttpContent? ValidBody() => RequestSchema(operation.Value, schemas) is { } schema ? Json(Example(schema, schemas).ToJsonString()) : null;

                if (path.Name.Contains("/internal/", StringComparison.Ordinal))
                {
                    yield return new Case("unsigned-heartbeat", name, method, concrete, Json("{}"), _ => null, 401);
                    yield return new Case("forged-heartbeat", name, method, concrete, Signed("{\"instance_id\":\"evil\"}", "1", "00"), _ => null, 401);
                    yield return new Case("garbage-heartbeat", name, method, concrete, Signed("\u0000\u0001garbage", "not-a-time", new string('f', 64)), _ => null, 401);
                    continue;
                }
                if (!authenticated)
                {
                    continue;
                }

                foreach (var (kind, credentials) in HostileCredentials(worker, secrets))
                {
                    yield return new Case(kind, name, method, concrete, ValidBody(), credentials, 401);
                }

                foreach (var parameter in Parameters(operation.Value, "path"))
                {
                    foreach (var value in new[] { "not-a-guid", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", new string('a', 2000) })
                    {
                        yield return new Case("bad-path-id", name, method, Replace(concrete, path.Name, parameter, value, admin, worker), ValidBody(), c => c, 404, MustBeDocumented: false);
                    }
                    // Kestrel refuses a NUL in the path before any application code runs: a bare 400, nothing else.
                    yield return new Case("nul-in-path", name, method, Replace(concrete, path.Name, parameter, "%00", admin, worker), ValidBody(), c => c, 400, MustBeDocumented: false) { FrameworkRejection = true };
                    // A well-formed id of nothing in this cluster: missing, or (for the tenant/cluster in a path) not the caller's.
                    var unknown = responses.TryGetProperty("404", out _) ? 404 : 403;
                    yield return new Case("unknown-path-id", name, method, Replace(concrete, path.Name, parameter, Guid.NewGuid().ToString(), admin, worker), ValidBody(), c => c, unknown);
                }

                foreach (var parameter in Parameters(operation.Value, "query"))
                {
                    foreach (var value in new[] { "abc", "99999999999999999999", "1e3", "" + "%27%20OR%201%3D1" })
                    {
                        yield return new Case("bad-query-value", name, method, $"{concrete}?{parameter}={value}", ValidBody(), c => c, 400);
                    }
                }

                if (RequestSchema(operation.Value, schemas) is { } body)
                {
                    var example = Example(body, schemas);
                    var admitsEmpty = !(operation.Value.GetProperty("requestBody").TryGetProperty("required", out var required) && required.GetBoolean());
                    yield return new Case("invalid-json", name, method, concrete, Json("{\"broken\": "), c => c, 400);
                    yield return new Case("json-array", name, method, concrete, Json("[1,2,3]"), c => c, 400);
                    yield return new Case("json-string", name, method, concrete, Json("\"x\""), c => c, 400);
                    yield return new Case("deeply-nested-json", name, method, concrete, Json(new string('[', 5000) + new string(']', 5000)), c => c, 400);
                    yield return new Case("text-content-type", name, method, concrete, new StringContent(example.ToJsonString(), Encoding.UTF8, "text/plain"), c => c, 415);
                    yield return new Case("form-content-type", name, method, concrete, new StringContent(example.ToJsonString(), Encoding.UTF8, "application/x-www-form-urlencoded"), c => c, 415);
                    yield return new Case("oversized-body", name, method, concrete, Json("{\"x\":\"" + new string('x', 70_000) + "\"}"), c => c, 413);
                    if (!admitsEmpty)
                    {
                        yield return new Case("empty-body", name, method, concrete, Json(""), c => c, 400);
                    }
                    foreach (var property in Properties(body, schemas))
                    {
                        var isRequired = Required(body, schemas).Contains(property.Name);
                        if (isRequired)
                        {
                            yield return new Case($"missing-required", name, method, concrete, Json(Without(example, property.Name)), c => c, 400);
                            yield return new Case($"null-required", name, method, concrete, Json(With(example, property.Name, "null")), c => c, 400);
                        }
                        yield return new Case("wrong-type", name, method, concrete, Json(With(example, property.Name, WrongTypeFor(property.Value, schemas))), c => c, 400);
                        yield return new Case("duplicate-key", name, method, concrete, Json(Duplicated(example, property.Name)), c => c, 400);
                    }
                }
            }
        }
    }

    private static IEnumerable<(string Kind, Func<Credentials, Credentials?> Credentials)> HostileCredentials(Credentials worker, List<string> secrets)
    {
        var wrong = TokenService.Generate();
        var huge = new string('A', 8000);
        secrets.Add(wrong);
        secrets.Add(huge);
        yield return ("no-credentials", _ => null);
        yield return ("wrong-node-token", c => c with { NodeToken = wrong });
        yield return ("wrong-cluster-token", c => c with { ClusterToken = wrong });
        yield return ("unknown-node", c => c with { NodeId = Guid.NewGuid() });
        yield return ("other-nodes-token", c => c with { NodeToken = worker.NodeToken, NodeId = c.NodeId });
        yield return ("oversized-token", c => c with { NodeToken = huge });
        yield return ("unknown-tenant", c => c with { TenantId = Guid.NewGuid() });
    }

    private static string Concrete(string template, Credentials admin, Credentials worker) =>
        template.Replace("{tenantId}", admin.TenantId.ToString(), StringComparison.Ordinal)
            .Replace("{clusterId}", admin.ClusterId.ToString(), StringComparison.Ordinal)
            .Replace("{nodeId}", worker.NodeId.ToString(), StringComparison.Ordinal);

    private static string Replace(string concrete, string template, string parameter, string value, Credentials admin, Credentials worker) =>
        Concrete(template.Replace("{" + parameter + "}", value, StringComparison.Ordinal), admin, worker);

    private static IEnumerable<string> Parameters(JsonElement operation, string where) =>
        operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == where).Select(p => p.GetProperty("name").GetString()!)
            : [];

    private static JsonElement? RequestSchema(JsonElement operation, JsonElement schemas)
    {
        if (!operation.TryGetProperty("requestBody", out var body) || !body.GetProperty("content").TryGetProperty("application/json", out var json))
        {
            return null;
        }
        var schema = json.GetProperty("schema");
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            schema = oneOf.EnumerateArray().First(s => s.TryGetProperty("$ref", out _));
        }
        return Resolve(schema, schemas);
    }

    private static JsonElement Resolve(JsonElement schema, JsonElement schemas) =>
        schema.TryGetProperty("$ref", out var reference) ? schemas.GetProperty(reference.GetString()!.Split('/')[^1]) : schema;

    private static IEnumerable<JsonProperty> Properties(JsonElement schema, JsonElement schemas) =>
        Resolve(schema, schemas).TryGetProperty("properties", out var properties) ? properties.EnumerateObject() : [];

    private static HashSet<string> Required(JsonElement schema, JsonElement schemas) =>
        Resolve(schema, schemas).TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!).ToHashSet() : [];

    private static string[] Types(JsonElement schema) =>
        !schema.TryGetProperty("type", out var type) ? ["object"]
        : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray()
        : [type.GetString()!];

    /// <summary>A body of the right shape (values need not pass validation: every case breaks it before that matters).</summary>
    private static System.Text.Json.Nodes.JsonObject Example(JsonElement schema, JsonElement schemas)
    {
        var example = new System.Text.Json.Nodes.JsonObject();
        foreach (var property in Properties(schema, schemas))
        {
            var types = Types(Resolve(property.Value, schemas));
            example[property.Name] = types.Contains("boolean") ? false
                : types.Contains("integer") ? 1300
                : types.Contains("array") ? new System.Text.Json.Nodes.JsonArray()
                : (System.Text.Json.Nodes.JsonNode)"corpus";
        }
        return example;
    }

    private static string WrongTypeFor(JsonElement property, JsonElement schemas)
    {
        var types = Types(Resolve(property, schemas));
        return types.Contains("string") || types.Contains("integer") ? "{\"nested\":[1]}" : "\"not-a-" + types[0] + "\"";
    }

    private static string Without(System.Text.Json.Nodes.JsonObject example, string name)
    {
        var copy = (System.Text.Json.Nodes.JsonObject)example.DeepClone();
        copy.Remove(name);
        return copy.ToJsonString();
    }

    private static string With(System.Text.Json.Nodes.JsonObject example, string name, string rawValue)
    {
        var copy = (System.Text.Json.Nodes.JsonObject)example.DeepClone();
        copy.Remove(name);
        var rest = copy.ToJsonString().TrimStart('{').TrimEnd('}');
        return "{" + JsonSerializer.Serialize(name) + ":" + rawValue + (rest.Length > 0 ? "," + rest : "") + "}";
    }

    private static string Duplicated(System.Text.Json.Nodes.JsonObject example, string name) =>
        "{" + JsonSerializer.Serialize(name) + ":" + example[name]!.ToJsonString() + "," + example.ToJsonString().TrimStart('{');

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static StringContent Signed(string body, string timestamp, string signature)
    {
        var content = Json(body);
        content.Headers.Add("X-Nebula-Heartbeat-Timestamp", timestamp);
        content.Headers.Add("X-Nebula-Heartbeat-Signature", signature);
        return content;
    }

    private static bool Documented(JsonElement openApi, string operation, int status)
    {
        var space = operation.IndexOf(' ');
        var responses = openApi.GetProperty("paths").GetProperty(operation[(space + 1)..]).GetProperty(operation[..space].ToLowerInvariant()).GetProperty("responses");
        return responses.TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out _);
    }

    private static string? LeaksSomething(string text, IEnumerable<string> secrets)
    {
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                return $"a token (fingerprint {TokenService.Fingerprint(secret)})";
            }
        }
        foreach (var trace in new[] { "   at ", "\\n   at ", "Exception:", "StackTrace" })
        {
            if (text.Contains(trace, StringComparison.Ordinal))
            {
                return $"a stack trace ('{trace.Trim()}')";
            }
        }
        return null;
    }

    /// <summary>Every row of every table, so any change a rejected request made shows.</summary>
    private static string Snapshot(string dbPath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY 1;";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                dump.Append(table).Append(':');
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    dump.Append(reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                }
                dump.Append('\n');
            }
        }
        return dump.ToString();
    }
}
