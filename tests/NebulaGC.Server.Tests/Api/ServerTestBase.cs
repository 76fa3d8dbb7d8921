using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Api;

/// <summary>A fresh master on a fresh SQLite file per test, bootstrapped with a tenant, an external-PKI cluster and an admin node.</summary>
public abstract class ServerTestBase : IAsyncLifetime
{
    protected TempDirectory Dir { get; } = new();

    protected TestServer Server { get; private set; } = null!;

    protected Credentials Admin { get; private set; } = null!;

    protected virtual string Pki => "external";

    public virtual async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(Dir.Combine("nebulagc.db"), publicUrl: "http://master.test:8080");
        Admin = Server.Bootstrap(Pki);
    }

    public virtual async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Dir.Dispose();
    }

    protected long ClusterVersion() => Server.Service<NebulaGC.Server.Services.ConfigVersions>().Current(Admin.ClusterId);
}
