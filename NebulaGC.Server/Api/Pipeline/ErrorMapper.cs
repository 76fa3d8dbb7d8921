using System.Globalization;
using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Api.Pipeline;

/// <summary>The one place a domain failure becomes an HTTP status, headers and the JSON error body.</summary>
public static class ErrorMapper
{
    /// <summary>The status and API error code of each domain failure; anything unlisted is an internal error.</summary>
    public static (int Status, string Code) Classify(DomainError error) => error switch
    {
        InvalidInput => (StatusCodes.Status400BadRequest, ErrorCodes.BadRequest),
        AuthenticationFailed => (StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized),
        AdminNodeRequired or ClusterScopeMismatch => (StatusCodes.Status403Forbidden, ErrorCodes.Forbidden),
        TenantNotFound or ClusterNotFound or NodeNotFound or InstanceNotRegistered or NoBundleUploaded or UnknownEndpoint
            => (StatusCodes.Status404NotFound, ErrorCodes.NotFound),
        NameTaken or WrongPkiMode or NodeNotEnrolled or NoActiveCa or AddressesExhausted or AdminSocketInUse or AlreadyMaster or NotMaster
            => (StatusCodes.Status409Conflict, ErrorCodes.Conflict),
        TooLarge => (StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge),
        RateLimited => (StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimitExceeded),
        ReplicaReadOnly => (StatusCodes.Status503ServiceUnavailable, ErrorCodes.ReplicaReadOnly),
        _ => (StatusCodes.Status500InternalServerError, ErrorCodes.InternalError),
    };

    /// <summary>Internal errors keep their cause out of the answer (it is logged); a replica's refusal is expected, not internal.</summary>
    public static bool IsInternal(DomainError error) => Classify(error).Status >= 500 && error is not ReplicaReadOnly;

    public static async Task WriteAsync(HttpContext context, DomainError error, RoleState role)
    {
        var response = context.Response;
        var (status, code) = Classify(error);
        response.StatusCode = status;
        switch (error)
        {
            case RateLimited limited:
                response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                break;
            case ReplicaReadOnly when role.MasterUrl is { } masterUrl:
                response.Headers[NebulaHeaders.MasterUrl] = masterUrl;
                break;
        }
        var message = IsInternal(error) ? "Internal server error" : error.Message;
        await WriteBodyAsync(response, new ErrorResponse(message, code));
    }

    public static Task WriteBodyAsync(HttpResponse response, ErrorResponse body)
    {
        response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(response.Body, body, ContractsJsonContext.Default.ErrorResponse);
    }
}
