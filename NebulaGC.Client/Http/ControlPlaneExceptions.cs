using System.Net;

namespace NebulaGC.Client.Http;

/// <summary>No control-plane instance answered usefully. <see cref="Exception.Message"/> lists what each one did.</summary>
public sealed class ControlPlaneUnavailableException(string message, TimeSpan? retryAfter = null) : Exception(message)
{
    /// <summary>The longest <c>Retry-After</c> an instance asked for (429 rate limit, 503); retry no sooner.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>An instance gave a definitive answer that is an error (4xx): retrying elsewhere would not help.</summary>
public sealed class ControlPlaneApiException(HttpStatusCode status, string? code, string message)
    : Exception($"{(int)status} {code ?? status.ToString()}: {message}")
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>One of <see cref="Contracts.ErrorCodes"/>, when the server sent an error body.</summary>
    public string? Code { get; } = code;
}
