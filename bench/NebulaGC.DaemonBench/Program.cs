using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NebulaGC.Client.Contracts;

// The daemon runs on thousands of small nodes: target <= 30 MB RSS per cluster and ~0 % CPU while idle.
// Runs the real nebulagc-server on 127.0.0.1 and the real (Native-AOT) nebulagc with 1 and then 4 clusters, each
// with a running tun-less nebula, waits until every cluster has applied its bundle, then samples the daemon's own
// RSS and CPU time (nebula's not included) while it sits in its long-polls.
//   dotnet run -c Release --project bench/NebulaGC.DaemonBench -- [--daemon PATH] [--seconds 30]
const double RssTargetMb = 30;
const double CpuTargetPercent = 1;

string root = FindRepositoryRoot();
string? daemon = ArgValue("--daemon");
int seconds = int.Parse(ArgValue("--seconds") ?? "30", CultureInfo.InvariantCulture);
string work = Directory.CreateTempSubdirectory("nebulagc-daemonbench-").FullName;
try
{
    daemon ??= PublishAot(root, Path.Combine(work, "publish"));
    string serverDll = Path.Combine(root, "NebulaGC.Server", "bin", "Release", "net10.0", "nebulagc-server.dll");
    if (!File.Exists(serverDll))
    {
        Run("dotnet", ["build", Path.Combine(root, "NebulaGC.Server", "NebulaGC.Server.csproj"), "-c", "Release", "-v", "q", "-nologo"]);
    }

    var one = Measure(serverDll, daemon, clusters: 1, seconds, Path.Combine(work, "c1"));
    var four = Measure(serverDll, daemon, clusters: 4, seconds, Path.Combine(work, "c4"));
    double perCluster = (four.RssMb - one.RssMb) / 3;
    string load = File.ReadAllText("/proc/loadavg").Trim();
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {load}; daemon {daemon}");
    Console.WriteLine($"daemon, 1 cluster : RSS {one.RssMb:0.0} MB, CPU {one.CpuPercent:0.00} % over {seconds} s idle");
    Console.WriteLine($"daemon, 4 clusters: RSS {four.RssMb:0.0} MB, CPU {four.CpuPercent:0.00} % over {seconds} s idle");
    Console.WriteLine($"RSS per additional cluster: {perCluster:0.0} MB; target: <= {RssTargetMb} MB per cluster, ~0 % CPU");
    bool ok = one.RssMb <= RssTargetMb && perCluster <= RssTargetMb && four.CpuPercent <= CpuTargetPercent;
    Console.WriteLine(ok ? "daemon bench: PASS" : "daemon bench: FAIL");
    return ok ? 0 : 1;
}
finally
{
    Directory.Delete(work, recursive: true);
}

Sample Measure(string serverDll, string daemonBinary, int clusters, int seconds, string dir)
{
    Directory.CreateDirectory(dir);
    string db = Path.Combine(dir, "nebulagc.db");
    var env = new Dictionary<string, string> { ["NEBULAGC_HMAC_SECRET"] = "bench-secret-0123456789-0123456789-abcdefgh" };
    Server(serverDll, env, "migrate", "--db", db);
    string tenant = Json(Server(serverDll, env, "tenant", "create", "--name", "bench", "--db", db, "--output", "json")).GetProperty("tenant_id").GetString()!;
    Run("nebula-cert", ["ca", "-name", "bench", "-out-crt", Path.Combine(dir, "ca.crt"), "-out-key", Path.Combine(dir, "ca.key")]);

    int port = FreeTcpPort();
    var url = new Uri($"http://127.0.0.1:{port}/");
    using var server = Start("dotnet", [serverDll, "serve", "--master", "--listen", $"127.0.0.1:{port}", "--db", db, "--instance-id", "bench",
        "--admin-socket", Path.Combine(dir, "admin.sock")], env);
    WaitReady(url, server);

    var entries = new List<string>();
    using var http = new HttpClient();
    for (int i = 0; i < clusters; i++)
    {
        var cluster = Json(Server(serverDll, env, "cluster", "create", "--tenant-id", tenant, "--name", $"c{i}", "--pki", "external", "--db", db, "--output", "json"));
        string clusterId = cluster.GetProperty("cluster_id").GetString()!, clusterToken = cluster.GetProperty("cluster_token").GetString()!;
        var node = Json(Server(serverDll, env, "node", "create", "--tenant-id", tenant, "--cluster-id", clusterId, "--name", "n", "--admin", "--cluster-token", clusterToken, "--db", db, "--output", "json"));
        string nodeId = node.GetProperty("node_id").GetString()!, nodeToken = node.GetProperty("node_token").GetString()!;
        Upload(http, url, tenant, clusterId, nodeId, nodeToken, clusterToken, Bundle(dir, $"c{i}", FreeUdpPort()));
        entries.Add($$"""{"name":"c{{i}}","tenant_id":"{{tenant}}","cluster_id":"{{clusterId}}","node_id":"{{nodeId}}","node_token":"{{nodeToken}}","cluster_token":"{{clusterToken}}","config_dir":"{{Path.Combine(dir, "etc", $"c{i}")}}"}""");
    }
    string config = Path.Combine(dir, "daemon.json");
    File.WriteAllText(config, $$"""{"control_plane_urls":["{{url}}"],"state_dir":"{{Path.Combine(dir, "state")}}","clusters":[{{string.Join(",", entries)}}]}""");

    using var daemonProcess = Start(daemonBinary, ["daemon", "--config", config], new Dictionary<string, string>());
    try
    {
        string status = Path.Combine(dir, "state", "status.json");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!AllApplied(status, clusters))
        {
            if (DateTime.UtcNow > deadline || daemonProcess.HasExited)
            {
                throw new InvalidOperationException($"the daemon did not apply {clusters} cluster(s) within 60 s");
            }
            Thread.Sleep(200);
        }
        Thread.Sleep(3000); // let start-up work (restarts, probation, first status writes) settle
        long ticksBefore = CpuTicks(daemonProcess.Id);
        var watch = Stopwatch.StartNew();
        double maxRss = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            maxRss = Math.Max(maxRss, RssMb(daemonProcess.Id));
            Thread.Sleep(1000);
        }
        double cpu = (CpuTicks(daemonProcess.Id) - ticksBefore) / 100.0 / watch.Elapsed.TotalSeconds * 100;
        return new Sample(maxRss, cpu);
    }
    finally
    {
        daemonProcess.Kill();
        daemonProcess.WaitForExit();
        foreach (string pidFile in Directory.GetFiles(Path.Combine(dir, "state", "clusters"), "nebula.pid", SearchOption.AllDirectories))
        {
            try
            {
                Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Split(' ')[0], CultureInfo.InvariantCulture)).Kill();
            }
            catch (ArgumentException)
            {
            }
        }
        server.Kill();
    }
}

static bool AllApplied(string statusFile, int clusters)
{
    try
    {
        var status = JsonDocument.Parse(File.ReadAllText(statusFile)).RootElement.GetProperty("clusters");
        return status.GetArrayLength() == clusters && status.EnumerateArray().All(c => c.GetProperty("applied_version").GetInt64() > 0
            && c.GetProperty("nebula").GetProperty("state").GetString() == "running");
    }
    catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException)
    {
        return false;
    }
}

static double RssMb(int pid)
{
    string line = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
}

static long CpuTicks(int pid)
{
    string stat = File.ReadAllText($"/proc/{pid}/stat");
    string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime + stime, in USER_HZ (100)
}

static byte[] Bundle(string dir, string name, int port)
{
    string crt = Path.Combine(dir, name + ".crt"), key = Path.Combine(dir, name + ".key");
    Run("nebula-cert", ["sign", "-name", name, "-ip", "10.42.0.2/24", "-ca-crt", Path.Combine(dir, "ca.crt"), "-ca-key", Path.Combine(dir, "ca.key"), "-out-crt", crt, "-out-key", key]);
    string config = $"pki:\n  ca: ca.crt\n  cert: host.crt\n  key: host.key\nstatic_host_map: {{}}\nlighthouse:\n  hosts: []\nlisten:\n  host: 127.0.0.1\n  port: {port}\ntun:\n  disabled: true\nfirewall:\n  outbound:\n    - port: any\n      proto: any\n      host: any\n  inbound: []\n";
    using var output = new MemoryStream();
    using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
    using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
    {
        foreach (var (entry, content) in new[] { ("config.yml", Encoding.UTF8.GetBytes(config)), ("ca.crt", File.ReadAllBytes(Path.Combine(dir, "ca.crt"))), ("host.crt", File.ReadAllBytes(crt)), ("host.key", File.ReadAllBytes(key)) })
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entry) { DataStream = new MemoryStream(content) });
        }
    }
    return output.ToArray();
}

static void Upload(HttpClient http, Uri url, string tenant, string cluster, string node, string nodeToken, string clusterToken, byte[] bundle)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, "v1/config/bundle")) { Content = new ByteArrayContent(bundle) };
    request.Content.Headers.ContentType = new("application/gzip");
    request.Headers.Add(NebulaHeaders.TenantId, tenant);
    request.Headers.Add(NebulaHeaders.ClusterId, cluster);
    request.Headers.Add(NebulaHeaders.NodeId, node);
    request.Headers.Add(NebulaHeaders.NodeToken, nodeToken);
    request.Headers.Add(NebulaHeaders.ClusterToken, clusterToken);
    using var response = http.Send(request);
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"bundle upload failed: {(int)response.StatusCode}");
    }
}

static string PublishAot(string root, string output)
{
    Console.WriteLine("publishing the Native-AOT daemon (dotnet publish -r linux-x64)...");
    Run("dotnet", ["publish", Path.Combine(root, "NebulaGC.Daemon", "NebulaGC.Daemon.csproj"), "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-v", "q"]);
    return Path.Combine(output, "nebulagc");
}

static string Server(string dll, Dictionary<string, string> env, params string[] args)
{
    var (code, stdout, stderr) = Capture("dotnet", [dll, .. args], env);
    return code == 0 ? stdout : throw new InvalidOperationException($"nebulagc-server {string.Join(' ', args)}: {stderr}");
}

static void Run(string file, string[] args)
{
    var (code, _, stderr) = Capture(file, args, new Dictionary<string, string>());
    if (code != 0)
    {
        throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {stderr}");
    }
}

static (int, string, string) Capture(string file, string[] args, Dictionary<string, string> env)
{
    using var p = Start(file, args, env, redirect: true);
    var stdout = p.StandardOutput.ReadToEndAsync();
    var stderr = p.StandardError.ReadToEndAsync();
    p.WaitForExit();
    return (p.ExitCode, stdout.Result, stderr.Result);
}

static Process Start(string file, string[] args, Dictionary<string, string> env, bool redirect = false)
{
    var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (string a in args)
    {
        start.ArgumentList.Add(a);
    }
    foreach (var (k, v) in env)
    {
        start.Environment[k] = v;
    }
    var p = Process.Start(start)!;
    if (!redirect)
    {
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
    }
    return p;
}

static void WaitReady(Uri url, Process server)
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
    var deadline = DateTime.UtcNow.AddSeconds(60);
    while (DateTime.UtcNow < deadline && !server.HasExited)
    {
        try
        {
            if (http.GetAsync(new Uri(url, "v1/readyz")).Result.IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (AggregateException)
        {
        }
        Thread.Sleep(200);
    }
    throw new InvalidOperationException("nebulagc-server did not become ready");
}

static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

static int FreeTcpPort()
{
    using var l = new TcpListener(IPAddress.Loopback, 0);
    l.Start();
    return ((IPEndPoint)l.LocalEndpoint).Port;
}

static int FreeUdpPort()
{
    using var u = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
    return ((IPEndPoint)u.Client.LocalEndPoint!).Port;
}

static string FindRepositoryRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NebulaGC.sln")))
    {
        dir = dir.Parent;
    }
    return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository");
}

string? ArgValue(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

record Sample(double RssMb, double CpuPercent);
