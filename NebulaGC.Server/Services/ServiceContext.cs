using NebulaGC.Server.Data;
using NebulaGC.Server.Pki;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Services;

/// <summary>What every service needs: the database, the token hasher, the CA key protector, the clock and the version feed.</summary>
public sealed record ServiceContext(Database Database, TokenService Tokens, CaKeyProtector CaKeys, TimeProvider Time, ConfigVersionFeed Versions)
{
    public static ServiceContext Create(Database database, HmacSecret secret, TimeProvider time, ConfigVersionFeed versions) =>
        new(database, new TokenService(secret), new CaKeyProtector(secret.Bytes), time, versions);
}

public static class ServiceContextExtensions
{
    /// <summary>Now, at the millisecond precision the database keeps, so a value returned at creation equals the one listed later.</summary>
    public static DateTimeOffset Now(this ServiceContext context)
    {
        var now = context.Time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
