using System.Diagnostics;

namespace NebulaGC.Server.Tests.Pki;

/// <summary>
/// Runs the real <c>nebula-cert</c> and <c>nebula</c> binaries. A missing binary is a test failure with a hint,
/// never a silent skip: the build's prerequisites step installs them (<c>apt-get install -y nebula</c>).
/// </summary>
internal static class NebulaTools
{
    public static ToolResult NebulaCert(string workingDirectory, params string[] arguments) =>
        Run("nebula-cert", workingDirectory, arguments);

    public static ToolResult Nebula(string workingDirectory, params string[] arguments) =>
        Run("nebula", workingDirectory, arguments);

    private static ToolResult Run(string tool, string workingDirectory, string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Locate(tool))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(startInfo)!;
        Task<string> standardError = process.StandardError.ReadToEndAsync();
        string standardOutput = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within 30 s");
        }
        return new ToolResult(process.ExitCode, standardOutput, standardError.Result);
    }

    private static string Locate(string tool)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(directory, tool);
            if (directory.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException(
            $"'{tool}' was not found on PATH. These tests need the real Nebula 1.6 tools: install them with "
            + "'apt-get install -y nebula' (build.ps1 installs prerequisites).");
    }
}

internal sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Describe() => $"exit {ExitCode}\nstdout: {StandardOutput}\nstderr: {StandardError}";
}
