using NebulaGC.Client.Contracts;

namespace NebulaGC.Server.Api.Pipeline;

/// <summary>
/// Gives the JSON error shape to responses the framework ends without a body (a query value that does not bind, a body
/// over Kestrel's limit, a wrong method), so every error a client sees has <c>error</c> and <c>code</c>.
/// </summary>
public static class BareStatusMiddleware
{
    public static IApplicationBuilder UseJsonForBareStatusCodes(this IApplicationBuilder app) =>
        app.UseStatusCodePages(context =>
        {
            var response = context.HttpContext.Response;
            var body = response.StatusCode switch
            {
                StatusCodes.Status400BadRequest => new ErrorResponse("the request is malformed: a path, query or body value has the wrong type or shape (see docs/api/openapi.json)", ErrorCodes.BadRequest),
                StatusCodes.Status404NotFound => new ErrorResponse("no such endpoint", ErrorCodes.NotFound),
                StatusCodes.Status405MethodNotAllowed => new ErrorResponse($"method {context.HttpContext.Request.Method} is not allowed here", ErrorCodes.BadRequest),
                StatusCodes.Status413PayloadTooLarge => new ErrorResponse("request body is too large", ErrorCodes.PayloadTooLarge),
                StatusCodes.Status415UnsupportedMediaType => new ErrorResponse("request body must be JSON (Content-Type: application/json)", ErrorCodes.BadRequest),
                _ => null,
            };
            return body is null ? Task.CompletedTask : ErrorMapper.WriteBodyAsync(response, body);
        });
}
