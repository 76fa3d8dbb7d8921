using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Ha;

namespace NebulaGC.Server.Api.Pipeline;

/// <summary>Turns every failure into the JSON error shape; unexpected ones are logged and answered with 500.</summary>
public sealed class ErrorHandlingMiddleware(RequestDelegate next, RoleState role, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var error = Translate(ex);
            if (error.Status >= 500 && error is not ReplicaReadOnly)
            {
                logger.LogError(ex, "Request {Method} {Path} failed", context.Request.Method, context.Request.Path.Value);
            }
            await ErrorMapper.WriteAsync(context, error, role);
        }
    }

    private static DomainError Translate(Exception ex) => ex switch
    {
        DomainError domain => domain,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new PayloadTooLarge("request body is too large"),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => new UnsupportedMediaType("request body must be JSON (Content-Type: application/json)"),
        BadHttpRequestException bad => new BadRequest(bad.InnerException is JsonException json ? $"request body is not valid JSON: {json.Message}" : bad.Message),
        JsonException json => new BadRequest($"request body is not valid JSON: {json.Message}"),
        _ => new InternalError(ex),
    };

    private sealed class InternalError(Exception inner) : DomainError(ErrorCodes.InternalError, 500, "Internal server error", inner);
}
