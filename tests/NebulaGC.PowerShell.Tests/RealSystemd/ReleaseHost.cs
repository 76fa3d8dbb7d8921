using System.Runtime.InteropServices;
using System.Text.Json;

namespace NebulaGC.PowerShell.Tests.RealSystemd;

/// <summary>One error a cmdlet wrote or threw, as PowerShell reported it.</summary>
public sealed record CmdletError(string Id, string Message);

/// <summary>What a cmdlet run inside the host produced: its output objects as JSON, its errors, and what it printed.</summary>
public sealed record CmdletRun(JsonElement Output, IReadOnlyList<CmdletError> Errors, string Printed)
{
    public override string ToString() => $"output: {Output}\nerrors: {string.Join("; ", Errors)}\nprinted:\n{Printed}";
}

/// <summary>
/// A booted Debian 12 with what an operator brings: the release archive from <c>build.ps1 Publish</c> unpacked under /opt,
/// PowerShell (the .NET SDK and the PowerShell tool package bind-mounted read-only), nebula, litestream, and a /dev/net/tun
/// the daemon's DynamicUser can open. Its own network namespace: the server's port 8080 inside collides with nothing.
/// </summary>
public sealed class ReleaseHost : IAsyncLifetime
{
    public const string ModuleRoot = "/opt/nebulagc";

    private BootedSystemdHost? _host;

    public BootedSystemdHost Host => _host ?? throw new InvalidOperationException("the host is not booted");

    /// <summary>The archive's path inside the host (/release/nebulagc-&lt;version&gt;-linux-x64.tar.gz).</summary>
    public string Archive { get; private set; } = "";

    /// <summary>The release version (from the archive's name).</summary>
    public string Version { get; private set; } = "";

    public string ReleaseOnMachine { get; private set; } = "";

    private static string PwshDll => Path.Combine(NuGetPackages, "powershell", "7.6.9", "tools", "net10.0", "any", "unix", "pwsh.dll");

    private static string NuGetPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The .NET installation running this test (…/shared/Microsoft.NETCore.App/&lt;v&gt;/ is three levels below it).</summary>
    private static string DotnetRoot => Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    public async Task InitializeAsync()
    {
        var releaseDir = Path.Combine(RepositoryPaths.Root, "out", "release");
        ReleaseOnMachine = Directory.Exists(releaseDir) ? Directory.GetFiles(releaseDir, "nebulagc-*-linux-x64.tar.gz").SingleOrDefault() ?? "" : "";
        if (ReleaseOnMachine.Length == 0)
        {
            throw new InvalidOperationException($"no release archive in {releaseDir}: 'build.ps1 Test' (or 'build.ps1 Publish') makes it");
        }
        var name = Path.GetFileName(ReleaseOnMachine);
        Version = name["nebulagc-".Length..^"-linux-x64.tar.gz".Length];
        Archive = $"/release/{name}";
        var binds = new Dictionary<string, string>
        {
            [DotnetRoot] = "/usr/share/dotnet",
            [Path.GetDirectoryName(PwshDll)!] = "/opt/pwsh",
            [releaseDir] = "/release",
            [ProcessRunner.Find("nebula")] = "/usr/bin/nebula",
            [Toolkit.LitestreamBinary] = "/usr/local/bin/litestream",
        };
        _host = await BootedSystemdHost.BootAsync(new BootOptions(binds, PrivateNetwork: true));
        // nspawn passes the machine's /dev/net/tun (0600 here); a Debian host has 0666, which a DynamicUser daemon needs.
        await Host.RunCheckedAsync(
            $"rm -f /dev/net/tun && mknod -m 0666 /dev/net/tun c 10 200 && mkdir -p {ModuleRoot} && tar -xzf {Archive} -C {ModuleRoot} --strip-components=1");
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs <paramref name="command"/> (one cmdlet call, or a short pipeline) in a fresh pwsh inside the host with the packaged
    /// module imported, and collects its output objects (as JSON), every error with its ErrorId, and what it printed (-WhatIf lines).
    /// </summary>
    public async Task<CmdletRun> RunCmdletAsync(string command, TimeSpan? timeout = null)
    {
        var script = $$"""
            $ErrorActionPreference = 'Continue'
            $ProgressPreference = 'SilentlyContinue'
            Import-Module {{ModuleRoot}}/module/NebulaGC
            $captured = @()
            $output = @()
            try { $output = @({{command}} -ErrorVariable +captured -ErrorAction SilentlyContinue) } catch { $captured += $_ }
            $errors = @($captured | ForEach-Object { [ordered]@{ Id = $_.FullyQualifiedErrorId.Split(',')[0]; Message = $_.Exception.Message } })
            '@@RESULT@@'
            [ordered]@{ Output = $output; Errors = $errors } | ConvertTo-Json -Depth 6 -EnumsAsStrings -Compress
            """;
        var result = await Host.RunAsync(
            $"script=$(mktemp --suffix=.ps1) && cat > \"$script\" <<'PWSH'\n{script}\nPWSH\n/usr/share/dotnet/dotnet /opt/pwsh/pwsh.dll -NoProfile -NonInteractive -File \"$script\"",
            timeout ?? TimeSpan.FromMinutes(4),
            new Dictionary<string, string> { ["POWERSHELL_TELEMETRY_OPTOUT"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["POWERSHELL_UPDATECHECK"] = "Off" });
        var marker = result.StdOut.LastIndexOf("@@RESULT@@", StringComparison.Ordinal);
        if (marker < 0)
        {
            throw new InvalidOperationException($"pwsh inside the host printed no result: {result}");
        }
        using var json = JsonDocument.Parse(result.StdOut[(marker + "@@RESULT@@".Length)..]);
        var errors = json.RootElement.GetProperty("Errors") is { ValueKind: JsonValueKind.Array } e
            ? e.EnumerateArray().Select(x => new CmdletError(x.GetProperty("Id").GetString()!, x.GetProperty("Message").GetString()!)).ToList()
            : [];
        return new CmdletRun(json.RootElement.GetProperty("Output").Clone(), errors, result.StdOut[..marker] + result.StdErr);
    }

    /// <summary>A file inside the host, read from the machine.</summary>
    public string ReadFile(string pathInside) => File.ReadAllText(Host.HostPath(pathInside));
}
