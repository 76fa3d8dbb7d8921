using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Prometheus;

namespace NebulaGC.Server.Observability;

/// <summary>Counts and times requests labelled by route template (never the raw path, which would explode the label set).</summary>
public sealed class HttpMetricsMiddleware(RequestDelegate next, ServerMetrics metrics)
{
    // The labelled series of each (method, route, status) seen, so a request costs one lookup here instead of building
    // label arrays and status strings for two lookups in the registry.
    private readonly ConcurrentDictionary<(string Method, string Route, int Status), (Counter.Child Requests, Histogram.Child Duration)> _series = new();

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
            var (requests, duration) = _series.GetOrAdd((context.Request.Method, route, context.Response.StatusCode), key => (
                metrics.HttpRequests.WithLabels(key.Method, key.Route, key.Status.ToString(CultureInfo.InvariantCulture)),
                metrics.HttpDuration.WithLabels(key.Method, key.Route)));
            requests.Inc();
            duration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
