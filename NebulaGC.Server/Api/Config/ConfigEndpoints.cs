using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Features;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Api.Auth;
using NebulaGC.Server.Bundles;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Observability;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Api.Config;

/// <summary>Config versions and bundles: what every daemon polls and downloads.</summary>
public static class ConfigEndpoints
{
    public static RouteGroupBuilder MapConfigEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapAuthenticatedGroup("/v1/config", "Config");

        group.MapGet("/version", async (long? current_version, int? wait, HttpContext http, ConfigVersions versions) =>
                {
                    var clusterId = NodeAuthenticationFilter.Caller(http).ClusterId;
                    var version = await versions.WaitForChangeAsync(clusterId, current_version, LongPoll.Duration(current_version, wait), http.RequestAborted);
                    return TypedResults.Ok(new ConfigVersionResponse(version));
                })
            .ProducesError(StatusCodes.Status400BadRequest)
            .WithSummary("The cluster's current config version. Long-poll: with current_version and wait (seconds, ≤ 60) it answers as soon as the version differs, else when the wait ends.");

        group.MapGet("/bundle", Results<FileContentHttpResult, StatusCodeHttpResult> (long? current_version, HttpContext http, BundleService bundles) =>
                {
                    var caller = NodeAuthenticationFilter.Caller(http);
                    var download = bundles.Download(caller.ClusterId, caller.NodeId, current_version);
                    var headers = http.Response.Headers;
                    headers[NebulaHeaders.ConfigVersion] = download.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (download.NotModified)
                    {
                        return TypedResults.StatusCode(StatusCodes.Status304NotModified);
                    }
                    headers[NebulaHeaders.ConfigSha256] = download.Sha256;
                    headers.ETag = $"\"{download.Version}-{download.Sha256![..16]}\"";
                    return TypedResults.File(download.Data!, "application/gzip", "bundle.tar.gz");
                })
            .Produces(StatusCodes.Status200OK, contentType: "application/gzip")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesError(StatusCodes.Status404NotFound)
            .ProducesError(StatusCodes.Status409Conflict)
            .WithSummary("This node's bundle (tar.gz); 304 when current_version is already the cluster's version.");

        group.MapPost("/bundle", async (HttpContext http, BundleService bundles, RateLimits limits, ServerMetrics metrics) =>
                {
                    var caller = NodeAuthenticationFilter.Caller(http);
                    if (limits.UploadsPerCluster.TryAcquire(caller.ClusterId) is { } wait)
                    {
                        metrics.RateLimited.WithLabels("upload").Inc();
                        throw new RateLimited($"bundle upload limit of {limits.UploadsPerCluster.Permits} per minute per cluster exceeded", wait);
                    }
                    try
                    {
                        var body = await ReadBundleBodyAsync(http);
                        var uploaded = bundles.Upload(caller.ClusterId, caller.NodeId, body);
                        metrics.BundleUploads.WithLabels("accepted").Inc();
                        return TypedResults.Ok(uploaded);
                    }
                    catch (DomainError)
                    {
                        metrics.BundleUploads.WithLabels("rejected").Inc();
                        throw;
                    }
                })
            .AdminOnly()
            .WritesState()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status409Conflict)
            .ProducesError(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Upload an external-PKI bundle as the raw request body (application/gzip, ≤ 10 MiB); it becomes the cluster's next config version.");

        routes.MapAuthenticatedGroup("/v1/node", "Config")
            .MapPost("/certificate", (NodeCertificateRequest request, HttpContext http, PkiService pki) =>
                {
                    var caller = NodeAuthenticationFilter.Caller(http);
                    return TypedResults.Ok(pki.IssueNodeCertificate(caller.ClusterId, caller.NodeId, request.PublicKey));
                })
            .WritesState()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status409Conflict)
            .WithSummary("Managed PKI: sign (or re-sign) the calling node's host certificate for its X25519 public key; the previous certificate is revoked.");

        return group;
    }

    /// <summary>Reads the raw body, refusing more than the bundle limit without buffering it.</summary>
    private static async Task<byte[]> ReadBundleBodyAsync(HttpContext http)
    {
        if (http.Request.ContentLength > BundleValidator.MaxCompressedBytes)
        {
            throw new TooLarge($"bundle is {http.Request.ContentLength} bytes; the limit is {BundleValidator.MaxCompressedBytes} bytes (10 MiB) compressed");
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = BundleValidator.MaxCompressedBytes + 1;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > BundleValidator.MaxCompressedBytes)
            {
                throw new TooLarge($"bundle exceeds the limit of {BundleValidator.MaxCompressedBytes} bytes (10 MiB) compressed");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
