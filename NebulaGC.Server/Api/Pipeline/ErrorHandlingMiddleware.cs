using System.Text.Json;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Ha;

namespace NebulaGC.Server.Api.Pipeline;

/// <summary>Turns every failure into the JSON error shape; unexpected ones are logged and answered with 500.</summary>
public sealed class ErrorHandlingMiddleware(RequestDelegate next, RoleState role, HaCoordinator coordinator, ILogger<ErrorHandlingMiddleware> logger)
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
            if (error is ReplicaReadOnly)
            {
                RefreshMasterUrl();
            }
            await ErrorMapper.WriteAsync(context, error, role);
        }
    }

    /// <summary>
    /// A 503 sends the writer to the master the database names now, not the one read at the last heartbeat: a replica that
    /// starts together with its master, or on a restored copy that still names the old deployment's master, must not
    /// point clients at a stale or missing URL for a whole heartbeat interval.
    /// </summary>
    private void RefreshMasterUrl()
    {
        try
        {
            coordinator.Refresh();
        }
        catch (Exception ex) when (ex is DomainError or Microsoft.Data.Sqlite.SqliteException)
        {
            logger.LogWarning("Reading the current master from the database failed: {Error}", ex.Message);
        }
    }

    private static DomainError Translate(Exception ex) => ex switch
    {
        DomainError domain => domain,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new TooLarge("request body is too large"),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => new UnsupportedContentType("request body must be JSON (Content-Type: application/json)"),
        BadHttpRequestException bad => new InvalidInput(bad.InnerException is JsonException json ? $"request body is not valid JSON: {json.Message}" : bad.Message),
        JsonException json => new InvalidInput($"request body is not valid JSON: {json.Message}"),
        _ => new InternalError(ex),
    };

    private sealed class InternalError(Exception inner) : DomainError("Internal server error", inner);
}
