namespace NebulaGC.Server.Domain;

/// <summary>
/// A failure the caller can act on, named after what went wrong. <c>Api.Pipeline.ErrorMapper</c> alone turns it into a
/// status and the JSON error; the CLI prints <see cref="Exception.Message"/> and exits 1.
/// </summary>
public abstract class DomainError(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A value breaks a rule (a name, a range, a format); the message names the value and the rule.</summary>
public sealed class InvalidInput(string message) : DomainError(message);

/// <summary>The request body or an uploaded bundle is over its size limit.</summary>
public sealed class TooLarge(string message) : DomainError(message);

/// <summary>A body in a format the endpoint does not read (JSON endpoints given another Content-Type).</summary>
public sealed class UnsupportedContentType(string message) : DomainError(message);

/// <summary>Never carries the precise reason to the client: that goes to the log only.</summary>
public sealed class AuthenticationFailed() : DomainError("Authentication failed");

public sealed class AdminNodeRequired() : DomainError("this operation needs an admin node");

/// <summary>A path names a tenant or cluster other than the caller's own.</summary>
public sealed class ClusterScopeMismatch(string message) : DomainError(message);

public sealed class TenantNotFound(Guid tenantId) : DomainError($"tenant {tenantId} does not exist");

/// <summary>Another tenant's cluster looks exactly like a missing one.</summary>
public sealed class ClusterNotFound : DomainError
{
    public ClusterNotFound(Guid clusterId)
        : base($"cluster {clusterId} does not exist")
    {
    }

    public ClusterNotFound(Guid clusterId, Guid tenantId)
        : base($"cluster {clusterId} does not exist in tenant {tenantId}")
    {
    }
}

public sealed class NodeNotFound(Guid nodeId) : DomainError($"node {nodeId} does not exist");

public sealed class InstanceNotRegistered(string instanceId) : DomainError($"instance '{instanceId}' is not in the registry");

public sealed class NoBundleUploaded() : DomainError("no bundle has been uploaded to this cluster yet");

/// <summary>No route matches, or an admin route was asked for outside the admin socket (which must look the same).</summary>
public sealed class UnknownEndpoint(string message) : DomainError(message);

/// <summary>A tenant, cluster or node name already used in its scope.</summary>
public sealed class NameTaken(string message) : DomainError(message);

/// <summary>The operation belongs to the other PKI mode (signing in an external cluster, uploading to a managed one).</summary>
public sealed class WrongPkiMode(string message) : DomainError(message);

public sealed class NodeNotEnrolled()
    : DomainError("this node has no certificate yet: submit its public key with POST /v1/node/certificate first");

public sealed class NoActiveCa(Guid clusterId) : DomainError($"cluster {clusterId} has no active CA");

public sealed class AddressesExhausted(string message) : DomainError(message);

public sealed class AdminSocketInUse(string path)
    : DomainError($"admin socket '{path}' is in use by a running nebulagc-server; stop it or choose another --admin-socket");

public sealed class AlreadyMaster(string instanceId, long epoch) : DomainError($"instance {instanceId} is already the master (epoch {epoch})");

public sealed class NotMaster(string instanceId) : DomainError($"instance {instanceId} is not the master");

public sealed class RateLimited(string message, TimeSpan retryAfter) : DomainError(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

public sealed class ReplicaReadOnly() : DomainError("replica is read-only; run on the master");

public sealed class DatabaseUnavailable(string message, Exception inner) : DomainError(message, inner);

public sealed class SchemaMismatch(string message) : DomainError(message);

public sealed class CaKeyUnavailable(string message, Exception inner) : DomainError(message, inner);

/// <summary>A secret stored encrypted (an uploaded bundle) does not decrypt under this server's secret: an internal error, logged with the reason.</summary>
public sealed class StoredSecretUnavailable(string message, Exception inner) : DomainError(message, inner);
