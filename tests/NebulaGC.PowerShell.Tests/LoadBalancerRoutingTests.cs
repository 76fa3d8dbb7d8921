using System.Net;
using NebulaGC.PowerShell.Rendering;
using Xunit.Abstractions;

namespace NebulaGC.PowerShell.Tests;

/// <summary>
/// The rendered load-balancer configs, run by the real haproxy and nginx in front of three stand-in instances
/// on 127.0.0.1: writes reach only the master, reads reach every instance, and a failover moves the writes.
/// </summary>
public sealed class LoadBalancerRoutingTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<IDisposable> _owned = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        foreach (var d in Enumerable.Reverse(_owned))
        {
            d.Dispose();
        }
        _dir.Dispose();
    }

    private (FakeInstance[] Instances, int Port, string Config) Start(LoadBalancerKind kind)
    {
        var instances = new[] { new FakeInstance("cp1", master: false), new FakeInstance("cp2", master: true), new FakeInstance("cp3", master: false) };
        _owned.AddRange(instances);
        var port = FreePort.Tcp();
        var settings = new DeploymentSettings
        {
            LoadBalancerPort = port,
            Backends = instances.Select(i => new BackendSettings { Name = i.Name, Address = i.Address }).ToList(),
        };
        var file = Toolkit.WriteTo(_dir.Path, LoadBalancerRenderer.Render(Toolkit.Context(settings), kind, _dir.Combine("nginx.pid")))[0];
        var process = kind == LoadBalancerKind.HAProxy
            ? new BackgroundProcess(ProcessRunner.Find("haproxy"), ["-f", file.Path, "-db"], workingDirectory: _dir.Path)
            : new BackgroundProcess(ProcessRunner.Find("nginx"), ["-c", file.Path, "-p", _dir.Path, "-e", "stderr", "-g", "daemon off;"], workingDirectory: _dir.Path);
        _owned.Add(process);
        process.WaitForPort(port, TimeSpan.FromSeconds(20));
        return (instances, port, file.Path);
    }

    private HttpResponseMessage Post(int port) =>
        _http.Send(new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/v1/nodes") { Content = new StringContent("{}") });

    private string Get(int port)
    {
        using var r = _http.Send(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/v1/nodes"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return r.Headers.GetValues("X-Instance").Single();
    }

    /// <summary>Polls until <paramref name="expected"/> carries out ten writes in a row (health checks converge), or fails.</summary>
    private void WaitUntilWritesGoTo(int port, FakeInstance expected, TimeSpan timeout)
    {
        var streak = 0;
        Wait.Until(() =>
        {
            using var r = Post(port);
            streak = r.StatusCode == HttpStatusCode.Created && r.Headers.GetValues("X-Instance").Single() == expected.Name ? streak + 1 : 0;
            return streak == 10;
        }, timeout, () => $"writes did not settle on {expected.Name} (health checks run every 2 s)");
    }

    [Fact]
    public void HAProxy_sends_writes_only_to_the_instance_check_master_names_and_follows_a_failover()
    {
        var (instances, port, _) = Start(LoadBalancerKind.HAProxy);
        WaitUntilWritesGoTo(port, instances[1], TimeSpan.FromSeconds(30));
        foreach (var i in instances)
        {
            i.ResetCounts();
        }
        for (var n = 0; n < 30; n++)
        {
            using var r = Post(port);
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }
        var readers = Enumerable.Range(0, 30).Select(_ => Get(port)).ToList();
        output.WriteLine($"writes: {string.Join(", ", instances.Select(i => $"{i.Name}={i.Writes.Count}"))}; reads: {string.Join(", ", readers.GroupBy(r => r).Select(g => $"{g.Key}={g.Count()}"))}");
        Assert.Equal([0, 30, 0], instances.Select(i => i.Writes.Count).ToArray());
        Assert.Equal(3, readers.Distinct().Count());

        // Failover: cp3 becomes master, cp2 a replica; HAProxy's check-master probe moves the writes.
        instances[1].IsMaster = false;
        instances[2].IsMaster = true;
        WaitUntilWritesGoTo(port, instances[2], TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Nginx_gets_every_write_carried_out_by_the_master_only_and_spreads_reads()
    {
        var (instances, port, _) = Start(LoadBalancerKind.Nginx);
        for (var n = 0; n < 30; n++)
        {
            using var r = Post(port);
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            Assert.Equal("cp2", r.Headers.GetValues("X-Instance").Single());
        }
        var readers = Enumerable.Range(0, 30).Select(_ => Get(port)).ToList();
        output.WriteLine($"writes: {string.Join(", ", instances.Select(i => $"{i.Name}={i.Writes.Count}"))}; reads: {string.Join(", ", readers.GroupBy(r => r).Select(g => $"{g.Key}={g.Count()}"))}");
        Assert.Equal([0, 30, 0], instances.Select(i => i.Writes.Count).ToArray());
        Assert.Equal(3, readers.Distinct().Count());
    }
}
