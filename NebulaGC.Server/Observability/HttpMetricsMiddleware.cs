using System.Diagnostics;
using System.Globalization;

namespace NebulaGC.Server.Observability;

/// <summary>Counts and times requests labelled by route template (never the raw path, which would explode the label set).</summary>
public sealed class HttpMetricsMiddleware(RequestDelegate next, ServerMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            var method = context.Request.Method;
            metrics.HttpRequests.WithLabels(method, route, context.Response.StatusCode.ToString(CultureInfo.InvariantCulture)).Inc();
            metrics.HttpDuration.WithLabels(method, route).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
