using System.Globalization;
using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Ha;

namespace NebulaGC.Server.Api.Pipeline;

/// <summary>The one place a domain failure becomes an HTTP status, headers and the JSON error body.</summary>
public static class ErrorMapper
{
    public static async Task WriteAsync(HttpContext context, DomainError error, RoleState role)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        switch (error)
        {
            case RateLimited limited:
                response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                break;
            case ReplicaReadOnly when role.MasterUrl is { } masterUrl:
                response.Headers[NebulaHeaders.MasterUrl] = masterUrl;
                break;
        }
        var message = error.Status >= 500 && error is not ReplicaReadOnly ? "Internal server error" : error.Message;
        await WriteBodyAsync(response, new ErrorResponse(message, error.Code));
    }

    public static Task WriteBodyAsync(HttpResponse response, ErrorResponse body)
    {
        response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(response.Body, body, ContractsJsonContext.Default.ErrorResponse);
    }
}
