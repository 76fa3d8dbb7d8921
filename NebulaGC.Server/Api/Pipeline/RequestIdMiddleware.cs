using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using NebulaGC.Client.Contracts;

namespace NebulaGC.Server.Api.Pipeline;

/// <summary>
/// Every response carries <c>X-Request-ID</c>: the caller's (when it is a sane token) or a new one; every log line of the
/// request carries it too.
/// </summary>
public sealed partial class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    // A new id is this process's random prefix and a request counter (32 hex digits): unique without a random draw (a
    // system call) per request.
    private static readonly ulong ProcessPrefix = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong)));
    private static long _issued;

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}\z")]
    private static partial Regex SafeId();

    public async Task InvokeAsync(HttpContext context)
    {
        var presented = context.Request.Headers[NebulaHeaders.RequestId].ToString();
        var requestId = presented.Length > 0 && SafeId().IsMatch(presented) ? presented : NewId();
        context.TraceIdentifier = requestId;
        // Nothing downstream clears response headers, so the header is set once here rather than in an OnStarting callback.
        context.Response.Headers[NebulaHeaders.RequestId] = requestId;
        using (logger.BeginScope(new[] { new KeyValuePair<string, object>("RequestId", requestId) }))
        {
            await next(context);
        }
    }

    private static string NewId() =>
        string.Create(CultureInfo.InvariantCulture, $"{ProcessPrefix:x16}{(ulong)Interlocked.Increment(ref _issued):x16}");
}
