using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Api.Auth;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Ha;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Api.Internal;

/// <summary>Instance-to-instance calls. A replica never writes its database: it reports itself to the master here.</summary>
public static class InternalEndpoints
{
    /// <summary>Largest heartbeat body accepted (4 KiB).</summary>
    private const int MaxHeartbeatBytes = 4096;

    public static RouteGroupBuilder MapInternalEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/internal").WithTags("Internal").WithMetadata(new HeartbeatSignatureAttribute()).AddEndpointFilter<MasterOnlyFilter>();
        group.MapPost("/heartbeat", async (HttpContext http, HeartbeatSigner signer, ReplicaService replicas, ILoggerFactory loggers) =>
            {
                var body = new byte[MaxHeartbeatBytes + 1];
                var length = 0;
                int read;
                while ((read = await http.Request.Body.ReadAsync(body.AsMemory(length), http.RequestAborted)) > 0)
                {
                    length += read;
                    if (length > MaxHeartbeatBytes)
                    {
                        throw new TooLarge($"heartbeat body exceeds {MaxHeartbeatBytes} bytes");
                    }
                }
                var payload = body.AsSpan(0, length);
                if (signer.Verify(http.Request.Headers[HeartbeatSigner.TimestampHeader], http.Request.Headers[HeartbeatSigner.SignatureHeader], payload) is { } reason)
                {
                    loggers.CreateLogger("NebulaGC.Server.Api.Internal").LogWarning("Heartbeat rejected: {Reason}; ip={RemoteIp}", reason, http.Connection.RemoteIpAddress?.ToString());
                    throw new AuthenticationFailed();
                }
                var heartbeat = JsonSerializer.Deserialize(payload, ContractsJsonContext.Default.HeartbeatRequest)
                    ?? throw new InvalidInput("heartbeat body is empty");
                replicas.Record(Validation.Name(heartbeat.InstanceId, "instance"), heartbeat.Address, heartbeat.Role == "master" ? "master" : "replica");
                return TypedResults.NoContent();
            })
            .WritesState()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status401Unauthorized)
            .ProducesError(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("A replica's heartbeat (HMAC-signed with a key derived from the server secret); the master records it in the registry.");
        return group;
    }
}
