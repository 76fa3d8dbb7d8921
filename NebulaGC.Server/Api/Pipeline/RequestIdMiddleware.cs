using System.Text.RegularExpressions;
using NebulaGC.Client.Contracts;

namespace NebulaGC.Server.Api.Pipeline;

/// <summary>
/// Every response carries <c>X-Request-ID</c>: the caller's (when it is a sane token) or a new one; every log line of the
/// request carries it too.
/// </summary>
public sealed partial class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}\z")]
    private static partial Regex SafeId();

    public async Task InvokeAsync(HttpContext context)
    {
        var presented = context.Request.Headers[NebulaHeaders.RequestId].ToString();
        var requestId = SafeId().IsMatch(presented) ? presented : Guid.NewGuid().ToString("N");
        context.TraceIdentifier = requestId;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[NebulaHeaders.RequestId] = requestId;
            return Task.CompletedTask;
        });
        using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId }))
        {
            await next(context);
        }
    }
}
