using NebulaGC.Client.Contracts;

namespace NebulaGC.Server.Domain;

/// <summary>
/// A failure the caller can act on. One mapper (<c>Api.ErrorMapper</c>) turns it into the JSON error and status;
/// the CLI prints <see cref="Exception.Message"/> and exits non-zero.
/// </summary>
public abstract class DomainError(string code, int status, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;

    public int Status { get; } = status;
}

public sealed class BadRequest(string message) : DomainError(ErrorCodes.BadRequest, 400, message);

public sealed class NotFound(string message) : DomainError(ErrorCodes.NotFound, 404, message);

public sealed class Conflict(string message) : DomainError(ErrorCodes.Conflict, 409, message);

public sealed class Forbidden(string message) : DomainError(ErrorCodes.Forbidden, 403, message);

public sealed class UnsupportedMediaType(string message) : DomainError(ErrorCodes.BadRequest, 415, message);

public sealed class PayloadTooLarge(string message) : DomainError(ErrorCodes.PayloadTooLarge, 413, message);

/// <summary>Never carries the precise reason to the client: that goes to the log only.</summary>
public sealed class Unauthorized() : DomainError(ErrorCodes.Unauthorized, 401, "Authentication failed");

public sealed class RateLimited(string message, TimeSpan retryAfter) : DomainError(ErrorCodes.RateLimitExceeded, 429, message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

public sealed class ReplicaReadOnly() : DomainError(ErrorCodes.ReplicaReadOnly, 503, "replica is read-only; run on the master");

public sealed class DatabaseUnavailable(string message, Exception inner) : DomainError(ErrorCodes.InternalError, 500, message, inner);

public sealed class SchemaMismatch(string message) : DomainError(ErrorCodes.InternalError, 500, message);

public sealed class CaKeyUnavailable(string message, Exception inner) : DomainError(ErrorCodes.InternalError, 500, message, inner);
