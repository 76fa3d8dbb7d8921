using System.Text.Json;
using NebulaGC.Server.Domain;

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
            if (ErrorMapper.IsInternal(error))
            {
                logger.LogError(ex, "Request {Method} {Path} failed", context.Request.Method, context.Request.Path.Value);
            }
            await ErrorMapper.WriteAsync(context, error, role);
        }
    }

    private static DomainError Translate(Exception ex) => ex switch
    {
        DomainError domain => domain,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new TooLarge("request body is too large"),
        BadHttpRequestException bad => new InvalidInput(bad.InnerException is JsonException json ? $"request body is not valid JSON: {json.Message}" : bad.Message),
        JsonException json => new InvalidInput($"request body is not valid JSON: {json.Message}"),
        _ => new InternalError(ex),
    };

    private sealed class InternalError(Exception inner) : DomainError("Internal server error", inner);
}
