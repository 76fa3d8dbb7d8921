using Microsoft.AspNetCore.Http.Metadata;
using NebulaGC.Client.Contracts;

namespace NebulaGC.Server.Api.Auth;

public static class RouteGroupExtensions
{
    /// <summary>A group whose endpoints need node credentials (the five <c>X-Nebula-*</c> headers).</summary>
    public static RouteGroupBuilder MapAuthenticatedGroup(this IEndpointRouteBuilder routes, string prefix, string tag) =>
        routes.MapGroup(prefix)
            .AddEndpointFilter<NodeAuthenticationFilter>()
            .WithMetadata(new NodeCredentialsAttribute())
            .WithTags(tag)
            .ProducesError(StatusCodes.Status401Unauthorized)
            .ProducesError(StatusCodes.Status429TooManyRequests)
            .DocumentInputErrors();

    /// <summary>
    /// A group anyone may call (probes). Its only client error is Kestrel's bare 431 for request headers over the server's
    /// limit (32 KiB), answered before the application sees the request, so it has no JSON body.
    /// </summary>
    public static RouteGroupBuilder MapAnonymousGroup(this IEndpointRouteBuilder routes, string prefix, string tag) =>
        routes.MapGroup(prefix)
            .AllowAnonymous()
            .WithTags(tag)
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status431RequestHeaderFieldsTooLarge, typeof(void)));

    /// <summary>
    /// Documents what the framework answers to bad input, so the contract lists every status a client can get: 400 for an
    /// endpoint that binds a query value or a body, 413 and 415 for one that reads JSON.
    /// </summary>
    public static TBuilder DocumentInputErrors<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            var readsJson = endpoint.Metadata.OfType<IAcceptsMetadata>().Any(a => a.ContentTypes.Contains("application/json"));
            var bindsQuery = endpoint.Metadata.OfType<System.Reflection.MethodInfo>().Any(m => m.GetParameters().Any(p => IsQueryValue(p, endpoint)));
            var documented = endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Select(p => p.StatusCode).ToHashSet();
            var statuses = new List<int>();
            if (readsJson || bindsQuery)
            {
                statuses.Add(StatusCodes.Status400BadRequest);
            }
            if (readsJson)
            {
                statuses.AddRange([StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType]);
            }
            foreach (var status in statuses.Where(s => !documented.Contains(s)))
            {
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ErrorResponse), ["application/json"]));
            }
        });
        return builder;
    }

    private static bool IsQueryValue(System.Reflection.ParameterInfo parameter, EndpointBuilder endpoint)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        var routeValue = endpoint is RouteEndpointBuilder route && route.RoutePattern.GetParameter(parameter.Name!) is not null;
        return !routeValue && (type.IsPrimitive || type == typeof(string) || type == typeof(Guid));
    }

    public static TBuilder AdminOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AdminOnlyAttribute()).ProducesError(StatusCodes.Status403Forbidden);

    public static TBuilder WritesState<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new WritesStateAttribute()).ProducesError(StatusCodes.Status503ServiceUnavailable);

    public static TBuilder ProducesError<TBuilder>(this TBuilder builder, int status) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorResponse), ["application/json"]));
}
