using NebulaGC.Client.Contracts;

namespace NebulaGC.Server.Api.Auth;

public static class RouteGroupExtensions
{
    /// <summary>A group whose endpoints need node credentials (the five <c>X-Nebula-*</c> headers).</summary>
    public static RouteGroupBuilder MapAuthenticatedGroup(this IEndpointRouteBuilder routes, string prefix, string tag) =>
        routes.MapGroup(prefix)
            .AddEndpointFilter<NodeAuthenticationFilter>()
            .WithTags(tag)
            .ProducesError(StatusCodes.Status401Unauthorized)
            .ProducesError(StatusCodes.Status429TooManyRequests);

    public static TBuilder AdminOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AdminOnlyAttribute()).ProducesError(StatusCodes.Status403Forbidden);

    public static TBuilder WritesState<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new WritesStateAttribute()).ProducesError(StatusCodes.Status503ServiceUnavailable);

    public static TBuilder ProducesError<TBuilder>(this TBuilder builder, int status) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorResponse), ["application/json"]));
}
