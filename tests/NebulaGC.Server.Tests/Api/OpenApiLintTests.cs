using System.Text.Json;

namespace NebulaGC.Server.Tests.Api;

/// <summary>
/// The committed contract passes the Redocly CLI's recommended rules (<c>redocly.yaml</c> at the repository root, nothing
/// relaxed): what client generators need — security schemes, servers, operationIds, tag descriptions, 4xx responses.
/// </summary>
public sealed class OpenApiLintTests
{
    /// <summary>Installed by build.ps1 Test (build/ToolkitPrerequisites.ps1).</summary>
    private static string RedoclyCli => RepositoryPaths.Combine("out", "tools", "npm", "node_modules", "@redocly", "cli", "bin", "cli.js");

    [Fact]
    public async Task Committed_openapi_document_passes_redocly_lint_with_no_error_and_no_warning()
    {
        Assert.True(File.Exists(RedoclyCli), $"{RedoclyCli} is missing; `dotnet pwsh ./build.ps1 Test` installs it (build/ToolkitPrerequisites.ps1)");
        var result = await ProcessRunner.RunAsync(
            ProcessRunner.StartInfo("node",
                [RedoclyCli, "lint", "--config", RepositoryPaths.Combine("redocly.yaml"), "--format", "json", RepositoryPaths.Combine("docs", "api", "openapi.json")],
                environment: new Dictionary<string, string?> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" }),
            TimeSpan.FromSeconds(60));

        using var report = JsonDocument.Parse(result.Stdout);
        var totals = report.RootElement.GetProperty("totals");
        var problems = report.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()} at {p.GetProperty("location")[0].GetProperty("pointer").GetString()}: {p.GetProperty("message").GetString()}")
            .ToList();
        Assert.True(totals.GetProperty("errors").GetInt32() == 0 && totals.GetProperty("warnings").GetInt32() == 0 && totals.GetProperty("ignored").GetInt32() == 0,
            $"redocly lint found problems:\n{string.Join("\n", problems)}");
        Assert.Equal(0, result.ExitCode);
    }
}
