using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Api.Auth;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Ha;

namespace NebulaGC.Server.Api.Pipeline;

/// <summary>
/// Completes the generated OpenAPI document by convention, so an endpoint needs no per-endpoint work to be described
/// well enough for client generators: an operationId from its method and route, the security requirement its route
/// group implies, servers, licence and tag descriptions.
/// </summary>
public static class ApiDocument
{
    /// <summary>The credential headers every authenticated call presents, all together.</summary>
    public static readonly IReadOnlyList<(string Header, string Description)> NodeCredentials =
    [
        (NebulaHeaders.TenantId, "The caller's tenant id."),
        (NebulaHeaders.ClusterId, "The caller's cluster id."),
        (NebulaHeaders.NodeId, "The calling node's id."),
        (NebulaHeaders.NodeToken, "The calling node's token (shown once, when the node is created or its token rotated)."),
        (NebulaHeaders.ClusterToken, "The cluster token (shown once, when the cluster is created or its token rotated)."),
    ];

    /// <summary>The headers a replica signs its heartbeat with.</summary>
    public static readonly IReadOnlyList<(string Header, string Description)> HeartbeatSignature =
    [
        (HeartbeatSigner.TimestampHeader, "Unix time (seconds) of the heartbeat; a stale one is refused."),
        (HeartbeatSigner.SignatureHeader, "Hex HMAC-SHA256 over the timestamp, a newline and the body, keyed from the server secret."),
    ];

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Health"] = "Unauthenticated probes for load balancers, orchestrators and clients looking for the master.",
        ["Nodes"] = "Admin-node management of the caller's own cluster.",
        ["Cluster"] = "The caller's cluster: its token.",
        ["Config"] = "Config versions and bundles: what a node runs, and external-PKI uploads.",
        ["Routes"] = "Unsafe routes the nodes advertise, pending until an admin node approves them or the cluster's auto-approve prefixes cover them.",
        ["Topology"] = "Lighthouses, relays and the control-plane lighthouse setting of the cluster.",
        ["Internal"] = "Instance-to-instance calls between the control-plane servers of one deployment.",
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddOperationTransformer((operation, context, _) =>
        {
            var description = context.Description;
            operation.OperationId ??= OperationId(description.HttpMethod!, description.RelativePath!);
            operation.Security = SecurityFor(description.ActionDescriptor.EndpointMetadata, description.RelativePath!, context.Document!);
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "NebulaGC API";
            document.Info.Version = "v1";
            document.Info.Description = "Cluster-scoped REST API of the NebulaGC control plane. Every call but the health probes authenticates with the five X-Nebula-* headers together (see the security schemes).";
            document.Info.License = new OpenApiLicense { Name = "NebulaGC licence", Url = new Uri("https://github.com/nebulagc/nebulagc/blob/main/LICENSE") };
            document.Servers =
            [
                new OpenApiServer
                {
                    Url = $"http://{ServerOptions.DefaultListen}",
                    Description = "The default listen address of nebulagc-server serve (--listen / NEBULAGC_LISTEN_ADDR changes it).",
                },
            ];
            foreach (var (header, text) in NodeCredentials.Concat(HeartbeatSignature))
            {
                document.AddComponent<IOpenApiSecurityScheme>(header, new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = header,
                    Description = text,
                });
            }
            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "");
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// The operationId of an endpoint without an explicit name: the method, then each route segment after the version in
    /// Pascal case, a parameter as <c>By</c> and its name — <c>PATCH v1/nodes/{nodeId}/mtu</c> is <c>patchNodesByNodeIdMtu</c>.
    /// Unique because method and route are.
    /// </summary>
    public static string OperationId(string method, string relativePath)
    {
        var id = new StringBuilder(method.ToLowerInvariant());
        var segments = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments.SkipWhile(s => s.Length > 1 && s[0] == 'v' && s[1..].All(char.IsAsciiDigit)))
        {
            if (segment.StartsWith('{'))
            {
                id.Append("By");
                AppendPascal(id, segment.Trim('{', '}').Split(':')[0].TrimEnd('?'));
            }
            else
            {
                AppendPascal(id, segment);
            }
        }
        return id.ToString();
    }

    private static void AppendPascal(StringBuilder id, string segment)
    {
        foreach (var word in segment.Split(['-', '_', '.'], StringSplitOptions.RemoveEmptyEntries))
        {
            id.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
        }
    }

    /// <summary>
    /// The security requirement the route group declared: node credentials, a heartbeat signature, or none for anonymous
    /// probes. An endpoint that declares none of the three is a mistake the document must not hide.
    /// </summary>
    private static List<OpenApiSecurityRequirement> SecurityFor(IList<object> metadata, string path, OpenApiDocument document)
    {
        if (metadata.OfType<NodeCredentialsAttribute>().Any())
        {
            return [Requirement(NodeCredentials, document)];
        }
        if (metadata.OfType<HeartbeatSignatureAttribute>().Any())
        {
            return [Requirement(HeartbeatSignature, document)];
        }
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return [];
        }
        throw new InvalidOperationException($"endpoint {path} declares no authentication: map it in an authenticated or anonymous route group");
    }

    private static OpenApiSecurityRequirement Requirement(IEnumerable<(string Header, string Description)> headers, OpenApiDocument document)
    {
        var requirement = new OpenApiSecurityRequirement();
        foreach (var (header, _) in headers)
        {
            requirement[new OpenApiSecuritySchemeReference(header, document)] = [];
        }
        return requirement;
    }
}
