using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace NebulaGC.PowerShell.Tests;

/// <summary>
/// A stand-in for one nebulagc-server instance with the HA endpoints of SPEC §4: /v1/check-master answers 200 with
/// {"master":bool,...} on every instance; a replica refuses writes with 503 and X-Nebula-Master-URL.
/// </summary>
public sealed class FakeInstance : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeInstance(string name, bool master)
    {
        Name = name;
        IsMaster = master;
        Port = FreePort.Tcp();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    public string Name { get; }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public volatile bool IsMaster;

    /// <summary>Writes this instance carried out (a master's 201s).</summary>
    public ConcurrentQueue<string> Writes { get; } = new();

    /// <summary>Reads this instance answered (API GETs, not health checks).</summary>
    public ConcurrentQueue<string> Reads { get; } = new();

    public void ResetCounts()
    {
        Writes.Clear();
        Reads.Clear();
    }

    private async Task Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            var path = ctx.Request.Url!.AbsolutePath;
            var (status, body) = (ctx.Request.HttpMethod, path) switch
            {
                ("GET", "/v1/check-master") => (200, $"{{\"master\":{(IsMaster ? "true" : "false")},\"instance_id\":\"{Name}\",\"epoch\":1}}"),
                ("GET", "/v1/healthz") or ("GET", "/v1/readyz") => (200, "{\"status\":\"ok\"}"),
                ("GET" or "HEAD", _) => Read(path),
                _ => Write(ctx, path),
            };
            ctx.Response.StatusCode = status;
            ctx.Response.Headers["X-Instance"] = Name;
            var bytes = Encoding.UTF8.GetBytes(body);
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength64 = bytes.Length;
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
        }
    }

    private (int, string) Read(string path)
    {
        Reads.Enqueue(path);
        return (200, $"{{\"instance\":\"{Name}\"}}");
    }

    private (int, string) Write(HttpListenerContext ctx, string path)
    {
        if (!IsMaster)
        {
            ctx.Response.Headers["X-Nebula-Master-URL"] = "http://master.invalid";
            return (503, "{\"error\":\"not_master\"}");
        }
        Writes.Enqueue(path);
        return (201, $"{{\"instance\":\"{Name}\"}}");
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }
}
